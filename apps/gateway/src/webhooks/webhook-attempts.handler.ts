import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Clock, ROUTING_KEYS, SUBSCRIPTIONS, SubscriptionEnvelope, WebhookAttempted } from '@mda/contracts';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
import { JobLifecycle } from '../jobs/job-lifecycle';
import { WebhookLogRepository } from '../store/webhook-log.repository';

/**
 * Records every attempt the webhook-sender reports, once each (a repeat changes nothing): a batch
 * (`webhook.attempted.batch`) in one transaction, a single record (a sender of before the batches)
 * alone. An attempt that can change how the job's deliveries stand (a failure, or a retry or
 * redelivery that got through) is streamed with the job, so the dashboard's list flags failing
 * webhooks live.
 */
@Controller()
export class WebhookAttemptsHandler {
  constructor(
    private readonly log: WebhookLogRepository,
    private readonly clock: Clock,
    private readonly lifecycle: JobLifecycle,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.gatewayWebhookAttempts)
  async handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayWebhookAttempts>): Promise<HandlerOutcome> {
    const attempts: WebhookAttempted[] = env.type === ROUTING_KEYS.webhookAttemptedBatch ? env.data.attempts : [env.data];
    const isNew = await this.log.recordAll(attempts, this.clock.now().toISOString());
    // a first attempt that got through changes nothing the list shows; each job is streamed once per batch
    const changed = new Set<string>();
    attempts.forEach((a, i) => {
      if (isNew[i] && a.request_id && (a.outcome !== 'delivered' || a.attempt > 1 || (a.redelivery ?? 0) > 0)) changed.add(a.request_id);
    });
    for (const requestId of changed) await this.announce(requestId);
    return 'ack';
  }

  /** The job with its new webhook counts, to the events stream (a stream missing it must not redeliver the attempt). */
  private announce(requestId: string): Promise<void> {
    return this.lifecycle.changed(requestId);
  }
}
