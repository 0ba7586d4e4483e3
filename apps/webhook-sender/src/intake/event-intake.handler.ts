import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Envelope, ROUTING_KEYS, SUBSCRIPTIONS, SubscriptionEnvelope, WebhookDelivery, WebhookTarget } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { EventPublisher, HandleMessages, HandlerOutcome } from '@mda/messaging';
import type { SenderConfig } from '../config/sender-config';
import { buildBatchPayload, buildExpiredPayload, buildPayload, buildSubscriptionPayload } from '../delivery/payload';
import { SENDER_CONFIG } from '../tokens';

/**
 * Turns a lifecycle event of a job with a webhook into one delivery. The body is serialised
 * here, once, so every attempt sends the same bytes; the event id becomes the webhook id.
 */
@Controller()
export class EventIntakeHandler {
  constructor(
    private readonly events: EventPublisher,
    @Inject(SENDER_CONFIG) private readonly config: SenderConfig,
    private readonly links: FileLinks,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.senderDownloadEvents)
  async handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.senderDownloadEvents>): Promise<HandlerOutcome> {
    const target = env.data.webhook;
    if (!this.config.enabled || !target) return 'ack';
    if (env.type === ROUTING_KEYS.batchCompleted) return this.intakeBatch(env, target);
    if (env.type === ROUTING_KEYS.downloadExpired) {
      const e = env.data;
      return this.intakeOther(env, target, 'download.expired', e.request_id, e.batch_id ?? null, buildExpiredPayload(e, env.occurred_at));
    }
    if (env.type === ROUTING_KEYS.subscriptionChecked) {
      return this.intakeOther(env, target, 'subscription.checked', null, null, buildSubscriptionPayload(env.data, env.occurred_at));
    }
    const data = env.data;
    const delivery: WebhookDelivery = {
      event_id: env.id,
      event: env.type,
      request_id: data.request_id,
      batch_id: data.batch_id ?? null,
      url: target.url,
      key_fp: target.key_fp,
      body: JSON.stringify(await buildPayload(env, env.occurred_at, this.links)),
      attempt: 1,
      created_at: env.occurred_at,
    };
    await this.events.publish(ROUTING_KEYS.webhookDeliver, delivery, env.correlation_id);
    return 'ack';
  }

  /** The events the gateway announces (`download.expired`, `subscription.checked`): one delivery, signed with the owner's key. */
  private async intakeOther(
    env: Envelope<typeof ROUTING_KEYS.downloadExpired | typeof ROUTING_KEYS.subscriptionChecked>,
    target: WebhookTarget,
    event: 'download.expired' | 'subscription.checked',
    requestId: string | null,
    batchId: string | null,
    payload: object,
  ): Promise<HandlerOutcome> {
    const delivery: WebhookDelivery = {
      event_id: env.id,
      event,
      request_id: requestId,
      batch_id: batchId,
      url: target.url,
      key_fp: target.key_fp,
      body: JSON.stringify(payload),
      attempt: 1,
      created_at: env.occurred_at,
    };
    await this.events.publish(ROUTING_KEYS.webhookDeliver, delivery, env.correlation_id);
    return 'ack';
  }

  /** `batch.completed` goes to the batch's webhook, signed with the key that created the batch. */
  private async intakeBatch(env: Envelope<typeof ROUTING_KEYS.batchCompleted>, target: WebhookTarget): Promise<HandlerOutcome> {
    const b = env.data;
    const delivery: WebhookDelivery = {
      event_id: env.id,
      event: 'batch.completed',
      request_id: null,
      batch_id: b.batch_id,
      url: target.url,
      key_fp: target.key_fp,
      body: JSON.stringify(buildBatchPayload(b, env.occurred_at)),
      attempt: 1,
      created_at: env.occurred_at,
    };
    await this.events.publish(ROUTING_KEYS.webhookDeliver, delivery, env.correlation_id);
    return 'ack';
  }
}
