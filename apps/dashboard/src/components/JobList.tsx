import { useState } from 'preact/hooks';
import { FINAL_STATUSES, JOB_STATUSES, Job, JobStatus } from '../api/types';
import { formatTime } from '../ui/format';
import { Link } from '../ui/router';
import { ProgressBar } from './ProgressBar';
import { STATUS_LABELS, StatusBadge, WebhookBadge } from './StatusBadge';

export const titleOf = (j: Job) => (j.metadata?.title ? String(j.metadata.title) : j.url);

/** What a row can do besides Cancel; absent when the page does not offer it. */
export interface RowLibraryActions {
  onRetry?: (id: string) => void;
  onDeleteFile?: (id: string) => void;
  /** Jobs with a Retry or Delete file under way. */
  busy?: Set<string>;
}

interface RowProps extends Omit<RowLibraryActions, 'busy'> {
  job: Job;
  onCancel: (id: string) => void;
  cancelling: boolean;
  busy?: boolean;
}

export const canRetry = (j: Job) => j.status === 'failed' || j.status === 'cancelled';
export const hasFile = (j: Job) => j.status === 'completed' && !!j.file_info && !j.file_deleted;

export function JobRow({ job, onCancel, cancelling, onRetry, onDeleteFile, busy }: RowProps) {
  const title = titleOf(job);
  const canCancel = !FINAL_STATUSES.includes(job.status);
  return (
    <li class="job" data-request-id={job.request_id} data-status={job.status}>
      <div class="job__head">
        <Link class="job__title" href={`/downloads/${job.request_id}`} title={job.url}>
          {title}
        </Link>
        <span class="job__badges">
          <WebhookBadge summary={job.webhooks} />
          {job.file_deleted && <span class="badge badge--gone">{job.file_info?.deleted_reason === 'expired' ? 'File expired' : 'File deleted'}</span>}
          <StatusBadge status={job.status} />
        </span>
      </div>
      <ProgressBar progress={job.progress} status={job.status} label={title} />
      {job.status === 'failed' && job.error && <p class="job__error">{job.error}</p>}
      <div class="job__foot">
        <span class="muted">
          <code>{job.request_id}</code> · {formatTime(job.created_at)}
          {job.retry_of && (
            <>
              {' · retry of '}
              <Link href={`/downloads/${job.retry_of}`}>{job.retry_of}</Link>
            </>
          )}
        </span>
        <span class="job__actions">
          {hasFile(job) && job.file_info?.download_url && (
            <a class="button button--small" href={job.file_info.download_url} download={job.file_info.filename}>
              Download file
            </a>
          )}
          {hasFile(job) && onDeleteFile && (
            <button
              type="button"
              class="button button--small button--danger"
              disabled={busy}
              onClick={() => onDeleteFile(job.request_id)}
              aria-label={`Delete file of ${title}`}
            >
              Delete file
            </button>
          )}
          {canRetry(job) && onRetry && (
            <button type="button" class="button button--small" disabled={busy} onClick={() => onRetry(job.request_id)} aria-label={`Retry ${title}`}>
              {busy ? 'Retrying…' : 'Retry'}
            </button>
          )}
          {canCancel && (
            <button
              type="button"
              class="button button--small button--danger"
              disabled={cancelling}
              onClick={() => onCancel(job.request_id)}
              aria-label={`Cancel ${title}`}
            >
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </span>
      </div>
    </li>
  );
}

interface ListProps extends RowLibraryActions {
  jobs: Job[];
  filter: JobStatus | '';
  onFilter: (f: JobStatus | '') => void;
  onCancel: (id: string) => void;
  cancelling: Set<string>;
  hasMore: boolean;
  onMore: () => void;
  loading: boolean;
  notice?: string | null;
  error?: string | null;
  onRetryFailed?: () => void;
  /** Removes the completed jobs' records (and their files when asked). */
  onClearCompleted?: (deleteFiles: boolean) => void;
  /** A bulk action under way. */
  bulkBusy?: boolean;
}

/** The downloads, newest first, with a status filter, bulk actions and "Show more" for the next page. */
export function JobList(p: ListProps) {
  const [clearFiles, setClearFiles] = useState(false);
  return (
    <section class="card" aria-labelledby="downloads-heading">
      <div class="card__head">
        <h2 id="downloads-heading">Downloads</h2>
        <label class="inline">
          Status{' '}
          <select value={p.filter} onChange={(e) => p.onFilter((e.currentTarget as HTMLSelectElement).value as JobStatus | '')}>
            <option value="">All</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {(p.onRetryFailed || p.onClearCompleted) && (
        <div class="bulk" role="group" aria-label="All downloads">
          {p.onRetryFailed && (
            <button type="button" class="button button--small" disabled={p.bulkBusy} onClick={p.onRetryFailed}>
              Retry failed
            </button>
          )}
          {p.onClearCompleted && (
            <>
              <button type="button" class="button button--small" disabled={p.bulkBusy} onClick={() => p.onClearCompleted?.(clearFiles)}>
                Clear completed
              </button>
              <label class="check">
                <input type="checkbox" checked={clearFiles} onChange={(e) => setClearFiles((e.currentTarget as HTMLInputElement).checked)} />
                and delete their files
              </label>
            </>
          )}
        </div>
      )}
      {p.notice && <p class="notice">{p.notice}</p>}
      {p.error && (
        <p class="error" role="alert">
          {p.error}
        </p>
      )}
      {p.jobs.length === 0 && !p.loading ? (
        <p class="muted empty">{p.filter ? `No downloads that are ${STATUS_LABELS[p.filter].toLowerCase()}.` : 'No downloads yet. Submit a URL above.'}</p>
      ) : (
        <ul class="jobs" aria-live="off">
          {p.jobs.map((j) => (
            <JobRow
              key={j.request_id}
              job={j}
              onCancel={p.onCancel}
              cancelling={p.cancelling.has(j.request_id)}
              onRetry={p.onRetry}
              onDeleteFile={p.onDeleteFile}
              busy={p.busy?.has(j.request_id)}
            />
          ))}
        </ul>
      )}
      {p.loading && <p class="muted">Loading…</p>}
      {p.hasMore && !p.loading && (
        <button type="button" class="button" onClick={p.onMore}>
          Show older downloads
        </button>
      )}
    </section>
  );
}
