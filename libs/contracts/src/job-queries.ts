import { z } from 'zod';
import { JOB_STATUSES, REQUEST_ID_PATTERN } from './downloads';

/**
 * A worker asks the gateway (which owns the job store) for a job's status before starting it, on
 * `downloads.commands` / `job.status.requested` (queue `gateway.job-queries`), by direct reply-to.
 * This is how a job cancelled while queued is skipped even by a replica that never saw the cancel.
 */
export const jobStatusQuerySchema = z.object({ request_id: z.string().regex(REQUEST_ID_PATTERN) });
export type JobStatusQuery = z.infer<typeof jobStatusQuerySchema>;

/** `status` is null when the store has no such job. */
export const jobStatusReplySchema = z.object({
  request_id: z.string(),
  status: z.enum(JOB_STATUSES).nullable(),
});
export type JobStatusReply = z.infer<typeof jobStatusReplySchema>;

export const JOB_STATUS_REPLY_TYPE = 'job.status.reply';
