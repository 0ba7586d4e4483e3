import { EventPattern } from '@nestjs/microservices';
import type { SubscriptionDefinition, SubscriptionEnvelope } from '@mda/contracts';
import type { AmqpContext } from './amqp-transport';
import type { HandlerOutcome } from './consumer';
import { HANDLER_NAME_EXTRA } from './handler-name';

/** What a handler of subscription S is: it receives S's envelopes (a union discriminated on `type`). */
export type MessageHandler<S extends Pick<SubscriptionDefinition, 'keys'>> = (envelope: SubscriptionEnvelope<S>, ctx: AmqpContext) => Promise<HandlerOutcome>;

/**
 * Makes a controller method the handler of one subscription of the contracts:
 *
 *   @HandleMessages(SUBSCRIPTIONS.gatewayDownloadEvents)
 *   handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayDownloadEvents>) { switch (env.type) … }
 *
 * A method whose envelope parameter cannot take the subscription's messages does not compile. Each
 * subscription an app declares needs exactly one such handler (AmqpTransport checks at start-up).
 */
export function HandleMessages<S extends SubscriptionDefinition>(subscription: S) {
  return <M extends MessageHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    EventPattern(subscription.name, { [HANDLER_NAME_EXTRA]: `${target.constructor.name}.${String(key)}` })(target, key, descriptor);
  };
}
