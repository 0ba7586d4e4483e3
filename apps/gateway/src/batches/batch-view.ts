import { JOB_STATUSES, JobStatus } from '@mda/contracts';
import type { FileLinks } from '@mda/file-links';
import { jobView } from '../jobs/job-view';
import type { Job } from '../store/jobs.repository';
import { isFinal } from './batch-plan';
import type { Batch } from './batches.repository';
import type { BatchConcurrency } from './adapters/download-capacity';

export type BatchStatus = 'queued' | 'running' | 'completed' | 'cancelled';

export function batchStatus(batch: Batch, statuses: JobStatus[]): BatchStatus {
  if (batch.cancelled_at) return 'cancelled';
  if (statuses.every(isFinal)) return 'completed';
  return statuses.some((s) => s !== 'queued') ? 'running' : 'queued';
}

export function countByStatus(statuses: JobStatus[]): Record<JobStatus, number> {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const s of statuses) counts[s]++;
  return counts;
}

/** GET /api/v1/batch/{id}: the batch, counts per status, and its downloads in order. */
export async function batchView(batch: Batch, children: Job[], links: FileLinks, concurrency?: BatchConcurrency) {
  const statuses = children.map((j) => j.status);
  return {
    batch_id: batch.batch_id,
    status: batchStatus(batch, statuses),
    kind: batch.kind,
    source_url: batch.source_url,
    total: batch.total,
    concurrent_limit: batch.concurrent_limit,
    ...concurrency,
    stop_on_error: batch.stop_on_error,
    webhook_url: batch.webhook_url,
    counts: countByStatus(statuses),
    created_at: batch.created_at,
    cancelled_at: batch.cancelled_at,
    completed_at: batch.completed_at,
    downloads: await Promise.all(children.map((j) => jobView(j, links))),
  };
}
