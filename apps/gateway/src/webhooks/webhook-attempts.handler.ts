import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Clock, SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
import { WebhookLogRepository } from './webhook-log.repository';

/** Records every attempt the webhook-sender reports, once each (a repeat changes nothing). */
@Controller()
export class WebhookAttemptsHandler {
  constructor(
    private readonly log: WebhookLogRepository,
    private readonly clock: Clock,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.gatewayWebhookAttempts)
  async handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayWebhookAttempts>): Promise<HandlerOutcome> {
    await this.log.record(env.data, this.clock.now().toISOString());
    return 'ack';
  }
}
