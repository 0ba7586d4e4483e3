import type { Job } from './api/types';

let n = 0;
export function makeJob(patch: Partial<Job> = {}): Job {
  n += 1;
  const id = `req_${String(n).padStart(12, '0')}`;
  return {
    request_id: id,
    url: `http://127.0.0.1:9/clip-${n}.mp4`,
    status: 'queued',
    progress: { percent: 0, downloaded_bytes: 0, total_bytes: null, speed: null, eta: null },
    file_info: null,
    metadata: null,
    error: null,
    error_code: null,
    options: {},
    webhook_url: null,
    batch_id: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    started_at: null,
    completed_at: null,
    file_deleted: false,
    expires_at: null,
    retry_of: null,
    ...patch,
  };
}
