import type { JobStatus } from '../api/types';
import type { JobWebhookSummary } from '../api/library-types';

/** The words for a status: the badges and the list's filter use the same ones. */
export const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Downloading',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span class={`badge badge--${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

/** A warning when some of the job's webhook events are dead or waiting for a retry; nothing otherwise. */
export function WebhookBadge({ summary }: { summary: JobWebhookSummary | null | undefined }) {
  if (!summary) return null;
  if (summary.dead > 0) {
    return (
      <span class="badge badge--hook-dead" title={`${summary.dead} of ${summary.events} webhook events could not be delivered`}>
        Webhook failed
      </span>
    );
  }
  if (summary.retrying > 0) {
    return (
      <span class="badge badge--hook-retrying" title={`${summary.retrying} of ${summary.events} webhook events are waiting for a retry`}>
        Webhook retrying
      </span>
    );
  }
  return null;
}
