import type { FileLinks } from '@mda/file-links';
import type { Job } from '../store/jobs.repository';
import type { WebhookSummary } from '../store/webhook-summary';

export type { WebhookSummary } from '../store/webhook-summary';

/**
 * The public shape of a job (SPEC §3): what GET /api/v1/download/{id} answers. The store keeps
 * `download_url` unsigned; it is signed here, fresh, each time it is handed out.
 */
/**
 * `webhooks` (the events counted by state) is given where the caller counted them: GET one, the
 * list and the events stream.
 */
export async function jobView(job: Job, links: FileLinks, webhooks?: WebhookSummary) {
  return {
    request_id: job.request_id,
    url: job.url,
    status: job.status,
    progress: job.progress ?? { percent: 0, downloaded_bytes: 0, total_bytes: null, speed: null, eta: null },
    file_info: await fileInfoView(job, links),
    file_deleted: job.file_deleted_at !== null,
    expires_at: job.expires_at,
    retry_of: job.retry_of,
    metadata: job.metadata,
    error: job.error,
    error_code: job.error_code,
    options: job.options,
    webhook_url: job.webhook_url,
    batch_id: job.batch_id,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
    ...(webhooks ? { webhooks } : {}),
  };
}
/**
 * The file_info of a job: with fresh signed links while the files exist; once they are deleted or
 * expired, the same record with `deleted_at`, `deleted_reason` and no links.
 */
async function fileInfoView(job: Job, links: FileLinks) {
  if (!job.file_info) return null;
  if (job.file_deleted_at === null) return await links.signFileInfo(job.file_info);
  const { files, ...rest } = job.file_info;
  return {
    ...rest,
    download_url: null,
    ...(files ? { files: files.map((f) => ({ ...f, download_url: null })) } : {}),
    deleted_at: job.file_deleted_at,
    deleted_reason: job.file_deleted_reason,
  };
}

export type JobView = Awaited<ReturnType<typeof jobView>>;
