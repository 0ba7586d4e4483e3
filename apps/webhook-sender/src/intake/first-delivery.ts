import { ROUTING_KEYS, SUBSCRIPTIONS, SubscriptionEnvelope, WebhookTarget } from '@mda/contracts';
import type { FileLinks } from '@mda/file-links';
import type { FirstDelivery } from '../delivery/delivery.service';
import { buildBatchPayload, buildExpiredPayload, buildPayload, buildSubscriptionPayload } from '../delivery/payload';

type IntakeEnvelope = SubscriptionEnvelope<typeof SUBSCRIPTIONS.senderDownloadEvents>;

/**
 * The first delivery of an event with a webhook: the event id becomes the webhook id, and the body
 * is built when the job's turn comes (serialised once; every attempt sends those bytes).
 * `download.expired` and `subscription.checked` are announced by the gateway, `batch.completed`
 * goes to the batch's webhook; each is signed with the key that owns its target.
 */
export function firstDelivery(env: IntakeEnvelope, target: WebhookTarget, links: FileLinks): FirstDelivery {
  const common = { event_id: env.id, url: target.url, key_fp: target.key_fp, created_at: env.occurred_at };
  switch (env.type) {
    case ROUTING_KEYS.batchCompleted: {
      const b = env.data;
      return {
        ...common,
        event: 'batch.completed',
        request_id: null,
        batch_id: b.batch_id,
        body: async () => JSON.stringify(buildBatchPayload(b, env.occurred_at)),
      };
    }
    case ROUTING_KEYS.downloadExpired: {
      const e = env.data;
      return {
        ...common,
        event: 'download.expired',
        request_id: e.request_id,
        batch_id: e.batch_id ?? null,
        body: async () => JSON.stringify(buildExpiredPayload(e, env.occurred_at)),
      };
    }
    case ROUTING_KEYS.subscriptionChecked: {
      const c = env.data;
      return {
        ...common,
        event: 'subscription.checked',
        request_id: null,
        batch_id: null,
        body: async () => JSON.stringify(buildSubscriptionPayload(c, env.occurred_at)),
      };
    }
    default:
      return {
        ...common,
        event: env.type,
        request_id: env.data.request_id,
        batch_id: env.data.batch_id ?? null,
        body: async () => JSON.stringify(await buildPayload(env, env.occurred_at, links)),
      };
  }
}
