import { Inject, Injectable } from '@nestjs/common';
import { Clock, ROUTING_KEYS, WebhookDelivery } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { JobsRepository } from '../store/jobs.repository';
import { withFreshDownloadUrl } from './fresh-download-url';
import { WebhookEventState, WebhookLogRepository } from '../store/webhook-log.repository';
import { attemptView, eventView } from './webhook-log.view';

// an event still being retried (or already queued again) is not sent a second time alongside
const REDELIVERABLE_ALL: WebhookEventState[] = ['delivered', 'dead', 'dropped'];
const REDELIVERABLE_DEFAULT: WebhookEventState[] = ['dead'];

/** A job's webhook delivery log, and sending its events again. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly log: WebhookLogRepository,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    private readonly links: FileLinks,
  ) {}

  async list(requestId: string, who: ApiKeyIdentity) {
    const job = await this.ownJob(requestId, who);
    const [attempts, events] = await Promise.all([this.log.attempts(requestId), this.log.events(requestId)]);
    return {
      request_id: requestId,
      webhook_url: job.webhook_url,
      events: events.map((e) => eventView(e, attempts)),
      attempts: attempts.map(attemptView),
    };
  }

  /**
   * Queues the job's dead events (or every finished one) again as fresh deliveries: the stored
   * exact body (its download_url signed afresh), attempt 1 with the full retry schedule, the same X-Webhook-Id.
   */
  async redeliver(requestId: string, who: ApiKeyIdentity, all: boolean) {
    await this.ownJob(requestId, who);
    if (!this.config.webhookEnable) throw new ApiError('conflict', 'Webhooks are disabled on this server (WEBHOOK_ENABLE=false)');
    const events = await this.log.events(requestId, all ? REDELIVERABLE_ALL : REDELIVERABLE_DEFAULT);
    if (events.length === 0) {
      throw new ApiError(
        'conflict',
        all
          ? `No webhook event of ${requestId} can be redelivered now (none recorded, or all still being delivered)`
          : `No dead webhook event to redeliver for ${requestId}; use ?all=true to send delivered ones again`,
      );
    }
    const queued: Array<{ webhook_id: string; event: string; redelivery: number }> = [];
    for (const e of events) {
      const seq = await this.log.nextRedelivery(e.event_id);
      const delivery: WebhookDelivery = {
        event_id: e.event_id,
        event: e.event,
        request_id: e.request_id,
        batch_id: e.batch_id,
        url: e.url,
        key_fp: e.key_fp,
        body: await withFreshDownloadUrl(e.body, this.links),
        attempt: 1,
        created_at: e.created_at,
        redelivery: true,
        redelivery_seq: seq,
      };
      try {
        await this.events.publish(ROUTING_KEYS.webhookDeliver, delivery, requestId);
      } catch (err) {
        this.logger.error({ request_id: requestId, err: (err as Error).message }, 'broker did not take a redelivery');
        throw new ApiError('broker_unavailable', 'The webhook queue is unavailable; try again shortly.', { queued }, { 'Retry-After': '5' });
      }
      await this.log.setState(e.event_id, 'queued', this.clock.now().toISOString());
      queued.push({ webhook_id: e.event_id, event: e.event, redelivery: seq });
    }
    this.logger.info({ request_id: requestId, count: queued.length, all }, 'webhooks queued for redelivery');
    return { request_id: requestId, status: 'queued', count: queued.length, queued };
  }

  private async ownJob(requestId: string, who: ApiKeyIdentity) {
    const job = await this.jobs.find(requestId, who.fingerprint);
    if (!job) throw new ApiError('not_found', `No download with request_id ${requestId}`);
    return job;
  }
}
