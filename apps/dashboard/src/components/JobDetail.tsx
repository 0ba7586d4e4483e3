import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import { ApiFailure, messageOf } from '../api/errors';
import type { LibraryApi, WebhookEvents as WebhookEventList } from '../api/library';
import { FINAL_STATUSES, Job, LogLine, MediaMetadata } from '../api/types';
import { formatBytes, formatDuration, formatTime } from '../ui/format';
import { Link } from '../ui/router';
import { canRetry, hasFile, titleOf } from './JobList';
import { ProgressBar } from './ProgressBar';
import { StatusBadge, WebhookBadge } from './StatusBadge';
import { WebhookEvents } from './WebhookEvents';

interface Props {
  api: ApiClient;
  id: string;
  /** The job as the live stream last reported it (if it did). */
  live: Job | undefined;
  onJob: (j: Job) => void;
  onCancel: (id: string) => void;
  cancelling: boolean;
  library: LibraryApi;
  onRetry: (id: string) => void;
  onDeleteFile: (id: string) => void;
  /** A Retry or Delete file of this job is under way. */
  busy: boolean;
}

type Section<T> = { data: T | null; error: string | null; unsupported: boolean; loading: boolean };
const empty = <T,>(): Section<T> => ({ data: null, error: null, unsupported: false, loading: true });

function useSection<T>(load: () => Promise<T>): [Section<T>, () => void] {
  const [s, set] = useState<Section<T>>(empty<T>());
  const reload = useCallback(() => {
    set((prev) => ({ ...prev, loading: true }));
    load().then(
      (data) => set({ data, error: null, unsupported: false, loading: false }),
      (e) => set((prev) => ({ ...prev, error: messageOf(e), unsupported: e instanceof ApiFailure && e.unsupported, loading: false })),
    );
  }, [load]);
  return [s, reload];
}

/** One download: metadata, file link, logs, and the webhook deliveries with a redeliver button. */
export function JobDetail({ api, id, live, onJob, onCancel, cancelling, library, onRetry, onDeleteFile, busy }: Props) {
  const [loadError, setLoadError] = useState<string | null>(null);
  const [redeliverAll, setRedeliverAll] = useState(false);
  const [redeliverMsg, setRedeliverMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const loadLogs = useCallback(() => api.logs(id), [api, id]);
  const loadHooks = useCallback(() => library.webhookEvents(id), [library, id]);
  const [logs, reloadLogs] = useSection<LogLine[]>(loadLogs);
  const [hooks, reloadHooks] = useSection<WebhookEventList>(loadHooks);

  useEffect(() => {
    setLoadError(null);
    api.getDownload(id).then(onJob, (e) => setLoadError(messageOf(e)));
    reloadLogs();
    reloadHooks();
  }, [api, id]);

  // the stream says the job changed: deliveries and log lines follow such changes, so fetch them
  // again (at most every 2 s while it runs, and once more shortly after it ends)
  const status = live?.status;
  const lastFetch = useRef(0);
  useEffect(() => {
    if (!live) return;
    const final = FINAL_STATUSES.includes(live.status);
    const now = Date.now();
    if (now - lastFetch.current < 2000 && !final) return;
    lastFetch.current = now;
    reloadHooks();
    reloadLogs();
    if (!final) return;
    const t = setTimeout(() => (reloadHooks(), reloadLogs()), 2500);
    return () => clearTimeout(t);
  }, [live, status]);

  const job = live;
  if (!job) {
    return (
      <section class="card">
        <Link href="/">← All downloads</Link>
        {loadError ? (
          <p class="error" role="alert">
            {loadError}
          </p>
        ) : (
          <p class="muted">Loading {id}…</p>
        )}
      </section>
    );
  }

  const title = titleOf(job);
  const meta: Partial<MediaMetadata> = job.metadata ?? {};
  const redeliver = async () => {
    setRedeliverMsg(null);
    try {
      const r = await api.redeliver(id, redeliverAll);
      const n = r.queued.length;
      setRedeliverMsg({ ok: true, text: `Queued ${n} event${n === 1 ? '' : 's'} for delivery again.` });
      setTimeout(reloadHooks, 1500);
    } catch (e) {
      setRedeliverMsg({ ok: false, text: messageOf(e) });
    }
  };

  return (
    <div class="detail">
      <p>
        <Link href="/">← All downloads</Link>
      </p>
      <section class="card" aria-labelledby="detail-heading">
        <div class="card__head">
          <h2 id="detail-heading">{title}</h2>
          <span class="job__badges">
            <WebhookBadge summary={job.webhooks} />
            <StatusBadge status={job.status} />
          </span>
        </div>
        <div class="detail__top">
          {typeof meta.thumbnail === 'string' && meta.thumbnail && <img class="thumb" src={meta.thumbnail} alt={`Thumbnail of ${title}`} loading="lazy" />}
          <dl class="facts">
            <dt>Request</dt>
            <dd>
              <code>{job.request_id}</code>
            </dd>
            <dt>Source</dt>
            <dd class="wrap">{job.url}</dd>
            {meta.uploader && (
              <>
                <dt>Uploader</dt>
                <dd>{String(meta.uploader)}</dd>
              </>
            )}
            {typeof meta.duration === 'number' && (
              <>
                <dt>Duration</dt>
                <dd>{formatDuration(meta.duration)}</dd>
              </>
            )}
            {job.retry_of && (
              <>
                <dt>Retry of</dt>
                <dd>
                  <Link href={`/downloads/${job.retry_of}`}>{job.retry_of}</Link>
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{formatTime(job.created_at)}</dd>
            {job.started_at && (
              <>
                <dt>Started</dt>
                <dd>{formatTime(job.started_at)}</dd>
              </>
            )}
            {job.completed_at && (
              <>
                <dt>Ended</dt>
                <dd>{formatTime(job.completed_at)}</dd>
              </>
            )}
          </dl>
        </div>
        <ProgressBar progress={job.progress} status={job.status} label={title} />
        {job.error && job.status !== 'cancelled' && (
          <p class="error" role="alert">
            {job.error}
          </p>
        )}
        {job.file_info && hasFile(job) && job.file_info.download_url && (
          <div class="file">
            <a class="button button--primary" href={job.file_info.download_url} download={job.file_info.filename}>
              Download file
            </a>
            <span>
              {job.file_info.filename} · {formatBytes(job.file_info.size_bytes)}
            </span>
            <button type="button" class="button button--danger" disabled={busy} onClick={() => onDeleteFile(job.request_id)}>
              Delete file
            </button>
          </div>
        )}
        {job.file_deleted && (
          <p class="notice" role="status">
            {job.file_info?.deleted_reason === 'expired' ? 'The files expired' : 'The files were deleted'}
            {job.file_info?.deleted_at ? ` on ${formatTime(job.file_info.deleted_at)}` : ''}: {job.file_info?.filename ?? 'the download'} is no longer stored.
          </p>
        )}
        {!job.file_deleted && job.expires_at && <p class="muted">The files are kept until {formatTime(job.expires_at)}.</p>}
        {canRetry(job) && (
          <button type="button" class="button" disabled={busy} onClick={() => onRetry(job.request_id)}>
            {busy ? 'Retrying…' : 'Retry download'}
          </button>
        )}
        {!FINAL_STATUSES.includes(job.status) && (
          <button type="button" class="button button--danger" disabled={cancelling} onClick={() => onCancel(job.request_id)}>
            {cancelling ? 'Cancelling…' : 'Cancel download'}
          </button>
        )}
      </section>

      <section class="card" aria-labelledby="hooks-heading">
        <div class="card__head">
          <h2 id="hooks-heading">Webhook deliveries</h2>
          <button type="button" class="button button--small" onClick={reloadHooks}>
            Refresh
          </button>
        </div>
        {hooks.unsupported ? (
          <p class="muted">{hooks.error}</p>
        ) : hooks.error ? (
          <p class="error">{hooks.error}</p>
        ) : !hooks.data ? (
          <p class="muted">Loading…</p>
        ) : (
          <>
            <p class="muted wrap">{hooks.data.webhook_url ? `To ${hooks.data.webhook_url}` : 'This download has no webhook URL.'}</p>
            {hooks.data.events.length === 0 ? <p class="muted">No webhook events yet.</p> : <WebhookEvents events={hooks.data.events} />}
            {hooks.data.webhook_url && (
              <div class="redeliver">
                <label class="check">
                  <input type="checkbox" checked={redeliverAll} onChange={(e) => setRedeliverAll((e.currentTarget as HTMLInputElement).checked)} />
                  Include delivered events
                </label>
                <button type="button" class="button" onClick={redeliver}>
                  Redeliver
                </button>
              </div>
            )}
            {redeliverMsg && (
              <p class={redeliverMsg.ok ? 'ok' : 'error'} role="status">
                {redeliverMsg.text}
              </p>
            )}
          </>
        )}
      </section>

      <section class="card" aria-labelledby="logs-heading">
        <div class="card__head">
          <h2 id="logs-heading">Logs</h2>
          <button type="button" class="button button--small" onClick={reloadLogs}>
            Refresh
          </button>
        </div>
        {logs.unsupported ? (
          <p class="muted">{logs.error}</p>
        ) : logs.error ? (
          <p class="error">{logs.error}</p>
        ) : !logs.data ? (
          <p class="muted">Loading…</p>
        ) : logs.data.length === 0 ? (
          <p class="muted">No log lines yet.</p>
        ) : (
          <pre class="logs" tabIndex={0} aria-label="Log lines">
            {logs.data.map((l) => (l.at ? `${l.at}  ${l.line}` : l.line)).join('\n')}
          </pre>
        )}
      </section>
    </div>
  );
}
