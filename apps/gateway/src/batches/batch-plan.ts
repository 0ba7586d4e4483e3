import { FINAL_STATUSES, JobStatus } from '@mda/contracts';
import type { Batch, ChildState } from './batches.repository';

const FINAL = new Set<JobStatus>(FINAL_STATUSES);
export const isFinal = (s: JobStatus) => FINAL.has(s);

export interface BatchPlan {
  /** Unclaimed children to cancel (the batch was cancelled, or stop_on_error saw a failure). */
  cancel: string[];
  /** Children to claim and publish now: never more than concurrent_limit open at once. */
  release: string[];
  /** Claimed long ago but never confirmed published (a replica died in between): publish again. */
  republish: string[];
  /** Every child is final and batch.completed is not out yet. */
  complete: boolean;
}

/**
 * What to do next for a batch, from its stored state only (so any replica, or the same one after a
 * crash, reaches the same decision). A child counts against the limit from its claim until its
 * job is final, whether a worker has started it or it still waits in the queue.
 */
export function planBatch(batch: Batch, children: ChildState[], nowMs: number, republishAfterMs: number): BatchPlan {
  const plan: BatchPlan = { cancel: [], release: [], republish: [], complete: false };
  if (batch.completed_at) return plan;
  const pending = children.filter((c) => !c.claimed_at && !isFinal(c.status)).sort((a, b) => a.position - b.position);
  const stopping = batch.cancelled_at !== null || (batch.stop_on_error && children.some((c) => c.status === 'failed'));
  if (stopping) plan.cancel = pending.map((c) => c.request_id);
  else {
    const open = children.filter((c) => c.claimed_at && !isFinal(c.status)).length;
    plan.release = pending.slice(0, Math.max(0, batch.concurrent_limit - open)).map((c) => c.request_id);
  }
  plan.republish = children
    .filter((c) => c.claimed_at && !c.published_at && c.status === 'queued' && nowMs - Date.parse(c.claimed_at) >= republishAfterMs)
    .map((c) => c.request_id);
  // another replica is publishing batch.completed; take over only if it has been at it too long
  const completing = batch.completing_at !== null && nowMs - Date.parse(batch.completing_at) < republishAfterMs;
  plan.complete = !completing && children.every((c) => isFinal(c.status));
  return plan;
}
