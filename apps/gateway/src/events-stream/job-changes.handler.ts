import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
import { Logger, errorFields } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobEventsBus } from './job-events.bus';

/** This replica's copy of every `job.changed`: its open event streams read the store now. */
@Controller()
export class JobChangesHandler {
  constructor(
    private readonly bus: JobEventsBus,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.gatewayJobChanges)
  async handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayJobChanges>): Promise<HandlerOutcome> {
    try {
      await this.bus.changed(env.data.event_id);
    } catch (err) {
      // the change is in the store: the streams' periodic catch-up reads it; a redelivery would add nothing
      this.logger.warn({ event_id: env.data.event_id, err: errorFields(err).message }, 'job change not streamed yet');
    }
    return 'ack';
  }
}
