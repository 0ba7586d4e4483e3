import type { JobStatus } from '../api/types';

const LABELS: Record<JobStatus, string> = { queued: 'Queued', running: 'Downloading', completed: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span class={`badge badge--${status}`}>{LABELS[status] ?? status}</span>;
}
