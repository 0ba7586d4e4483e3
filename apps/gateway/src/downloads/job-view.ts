import type { FileLinks } from '@mda/file-links';
import type { Job } from '../store/jobs.repository';

/**
 * The public shape of a job (SPEC §3): what GET /api/v1/download/{id} answers. The store keeps
 * `download_url` unsigned; it is signed here, fresh, each time it is handed out.
 */
export function jobView(job: Job, links: FileLinks) {
  return {
    request_id: job.request_id,
    url: job.url,
    status: job.status,
    progress: job.progress ?? { percent: 0, downloaded_bytes: 0, total_bytes: null, speed: null, eta: null },
    file_info: job.file_info ? links.signFileInfo(job.file_info) : null,
    metadata: job.metadata,
    error: job.error,
    error_code: job.error_code,
    options: job.options,
    webhook_url: job.webhook_url,
    batch_id: job.batch_id,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
  };
}
export type JobView = ReturnType<typeof jobView>;
