import { z } from 'zod';
import { REQUEST_ID_PATTERN, webhookTargetSchema } from './downloads';

export const SUBSCRIPTION_ID_PATTERN = /^sub_[a-z0-9]{12,}$/;

/**
 * Event on `downloads.events` / `download.expired`: a completed job's files were removed because
 * its retention ran out. Published by the gateway's scheduler; the sender delivers it to the job's webhook.
 */
export const downloadExpiredSchema = z.object({
  request_id: z.string().regex(REQUEST_ID_PATTERN),
  url: z.string(),
  batch_id: z.string().nullish(),
  filepath: z.string().nullable(),
  files_removed: z.number().int().nonnegative(),
  bytes_freed: z.number().int().nonnegative(),
  retention_hours: z.number().positive(),
  expired_at: z.string().datetime(),
  webhook: webhookTargetSchema.nullable(),
});
export type DownloadExpired = z.infer<typeof downloadExpiredSchema>;

/**
 * Event on `downloads.events` / `subscription.checked`: a subscription's check found new items or
 * failed. Published by the gateway (only then); the sender delivers it to the subscription's webhook.
 */
export const subscriptionCheckedSchema = z.object({
  subscription_id: z.string().regex(SUBSCRIPTION_ID_PATTERN),
  check_id: z.string().min(1),
  url: z.string(),
  trigger: z.enum(['schedule', 'manual', 'create']),
  status: z.enum(['ok', 'failed']),
  items_seen: z.number().int().nonnegative(),
  new_items: z.number().int().nonnegative(),
  request_ids: z.array(z.string().regex(REQUEST_ID_PATTERN)).max(1000),
  error: z.string().nullable(),
  checked_at: z.string().datetime(),
  webhook: webhookTargetSchema.nullable(),
});
export type SubscriptionChecked = z.infer<typeof subscriptionCheckedSchema>;
