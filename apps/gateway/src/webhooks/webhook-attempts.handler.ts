import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Clock, Envelope, SUBSCRIPTIONS, WebhookAttempted } from '@mda/contracts';
import { HandlerOutcome } from '@mda/messaging';
import { WebhookLogRepository } from './webhook-log.repository';

/** Records every attempt the webhook-sender reports, once each (a repeat changes nothing). */
@Controller()
export class WebhookAttemptsHandler {
  constructor(
    private readonly log: WebhookLogRepository,
    private readonly clock: Clock,
  ) {}

  @EventPattern(SUBSCRIPTIONS.gatewayWebhookAttempts.name)
  async handle(@Payload() env: Envelope<WebhookAttempted>): Promise<HandlerOutcome> {
    await this.log.record(env.data, this.clock.now().toISOString());
    return 'ack';
  }
}
