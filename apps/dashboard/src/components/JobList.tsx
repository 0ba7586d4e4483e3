import { FINAL_STATUSES, JOB_STATUSES, Job, JobStatus } from '../api/types';
import { formatTime } from '../ui/format';
import { Link } from '../ui/router';
import { ProgressBar } from './ProgressBar';
import { StatusBadge } from './StatusBadge';

export const titleOf = (j: Job) => (j.metadata?.title ? String(j.metadata.title) : j.url);

interface RowProps {
  job: Job;
  onCancel: (id: string) => void;
  cancelling: boolean;
}

export function JobRow({ job, onCancel, cancelling }: RowProps) {
  const title = titleOf(job);
  const canCancel = !FINAL_STATUSES.includes(job.status);
  return (
    <li class="job" data-request-id={job.request_id} data-status={job.status}>
      <div class="job__head">
        <Link class="job__title" href={`/downloads/${job.request_id}`} title={job.url}>
          {title}
        </Link>
        <StatusBadge status={job.status} />
      </div>
      <ProgressBar progress={job.progress} status={job.status} label={title} />
      {job.status === 'failed' && job.error && <p class="job__error">{job.error}</p>}
      <div class="job__foot">
        <span class="muted">
          <code>{job.request_id}</code> · {formatTime(job.created_at)}
        </span>
        <span class="job__actions">
          {job.status === 'completed' && job.file_info?.download_url && (
            <a class="button button--small" href={job.file_info.download_url} download={job.file_info.filename}>
              Download file
            </a>
          )}
          {canCancel && (
            <button type="button" class="button button--small button--danger" disabled={cancelling} onClick={() => onCancel(job.request_id)} aria-label={`Cancel ${title}`}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </span>
      </div>
    </li>
  );
}

interface ListProps {
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
}

/** The downloads, newest first, with a status filter and "Show more" for the next page. */
export function JobList(p: ListProps) {
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
                {s[0].toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {p.notice && <p class="notice">{p.notice}</p>}
      {p.error && (
        <p class="error" role="alert">
          {p.error}
        </p>
      )}
      {p.jobs.length === 0 && !p.loading ? (
        <p class="muted empty">{p.filter ? `No ${p.filter} downloads.` : 'No downloads yet. Submit a URL above.'}</p>
      ) : (
        <ul class="jobs" aria-live="off">
          {p.jobs.map((j) => (
            <JobRow key={j.request_id} job={j} onCancel={p.onCancel} cancelling={p.cancelling.has(j.request_id)} />
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
