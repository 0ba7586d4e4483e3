import { z } from 'zod';
import { REQUEST_ID_PATTERN } from './downloads';

/** The event names a receiver sees in `event` and `X-Webhook-Event`. */
export const WEBHOOK_EVENTS = [
  'download.started',
  'download.progress',
  'download.completed',
  'download.failed',
  'download.cancelled',
  'batch.completed',
  'download.expired',
  'subscription.checked',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/**
 * One webhook delivery on `webhook.deliver` and the retry tiers. The body is serialised once,
 * when the delivery is created, so every attempt sends the same bytes. `attempt` is the number
 * of the attempt this message is for (1 = first); it travels here, not in `x-death`.
 */
export const webhookDeliverySchema = z.object({
  event_id: z.string().min(1),
  event: z.enum(WEBHOOK_EVENTS),
  request_id: z.string().regex(REQUEST_ID_PATTERN).nullable(),
  batch_id: z.string().nullish(),
  url: z.string().url(),
  key_fp: z.string().regex(/^[a-f0-9]{16,64}$/),
  body: z.string(),
  attempt: z.number().int().min(1),
  /** Unix seconds when the event was created: the Standard Webhooks `webhook-timestamp`. */
  created_at: z.string().datetime(),
  /** Set by a redelivery request, so the delivery log can tell them apart. */
  redelivery: z.boolean().optional(),
  /** Which redelivery of the event this is (1, 2 …), so each one's attempts are recorded apart. */
  redelivery_seq: z.number().int().min(1).optional(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const ATTEMPT_OUTCOMES = ['delivered', 'retrying', 'dead', 'dropped'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One attempt, published on `webhook.attempted` and recorded by the gateway. */
export const webhookAttemptedSchema = z.object({
  event_id: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  request_id: z.string().nullable(),
  batch_id: z.string().nullish(),
  url: z.string(),
  attempt: z.number().int().min(1),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().nonnegative(),
  response_body: z.string().nullable(),
  next_retry_in_sec: z.number().nullable(),
  attempted_at: z.string().datetime(),
  /** 0 for the event's original delivery, n for its n-th redelivery. */
  redelivery: z.number().int().min(0).optional(),
  /** The delivery itself (owner key fingerprint, exact body), so the gateway can redeliver it later. */
  delivery: z.object({ key_fp: z.string(), body: z.string(), created_at: z.string() }).nullable(),
});
export type WebhookAttempted = z.infer<typeof webhookAttemptedSchema>;

/** Most attempt records one `webhook.attempted.batch` message carries (each holds the event's body, up to a few KiB). */
export const MAX_ATTEMPTS_PER_BATCH = 200;

/**
 * Attempt records published together on `webhook.attempted.batch`: the sender confirms many
 * attempts with one broker message, and the gateway stores them in one transaction.
 */
export const webhookAttemptedBatchSchema = z.object({
  attempts: z.array(webhookAttemptedSchema).min(1).max(MAX_ATTEMPTS_PER_BATCH),
});
export type WebhookAttemptedBatch = z.infer<typeof webhookAttemptedBatchSchema>;
