import { z } from 'zod';
import { webhookTargetSchema } from './downloads';

export const BATCH_ID_PATTERN = /^batch_[a-z0-9]{12,}$/;

/** Counts of a batch's children by final state. */
export const batchCountsSchema = z.object({
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type BatchCounts = z.infer<typeof batchCountsSchema>;

/**
 * Event on `downloads.events` / `batch.completed`: every child of a batch reached a final state.
 * Published once per batch by the gateway (the envelope id is derived from the batch id, so a
 * republish after a crash carries the same webhook id).
 */
export const batchCompletedSchema = z.object({
  batch_id: z.string().regex(BATCH_ID_PATTERN),
  /** `cancelled` when the batch was cancelled by request, else `completed`. */
  status: z.enum(['completed', 'cancelled']),
  total: z.number().int().nonnegative(),
  counts: batchCountsSchema,
  request_ids: z.array(z.string()).max(1000),
  webhook: webhookTargetSchema.nullable(),
  completed_at: z.string().datetime(),
});
export type BatchCompleted = z.infer<typeof batchCompletedSchema>;

/** The deterministic envelope id of a batch's one `batch.completed` event. */
export function batchCompletedEventId(batchId: string): string {
  return `evt_${batchId}_completed`;
}
