import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { ApiClient } from './api/client';
import { ApiFailure, messageOf } from './api/errors';
import { LibraryApi } from './api/library';
import { StreamState, followEvents } from './api/sse';
import type { Job, JobStatus } from './api/types';
import { JobDetail } from './components/JobDetail';
import { JobList } from './components/JobList';
import { KeyForm } from './components/KeyForm';
import { SubmitPanel } from './components/SubmitPanel';
import { SubscriptionsPage } from './components/Subscriptions';
import { initialJobs, jobsReducer, visibleJobs } from './state/jobs';
import { keyStore } from './state/key';
import { Link, usePath } from './ui/router';

const STREAM_LABEL: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Key rejected',
};

export function App() {
  const [key, setKey] = useState<string | null>(keyStore.get());
  const [keyProblem, setKeyProblem] = useState<string | null>(null);
  const api = useMemo(() => (key ? new ApiClient(key) : null), [key]);
  const library = useMemo(() => (api ? new LibraryApi(api) : null), [api]);
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [bulkBusy, setBulkBusy] = useState(false);
  const [state, dispatch] = useReducer(jobsReducer, initialJobs);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [cancelling, setCancelling] = useState<Set<string>>(new Set());
  const [flash, setFlash] = useState<{ ok: boolean; text: string } | null>(null);
  const path = usePath();
  const filterRef = useRef(state.filter);
  filterRef.current = state.filter;

  const forgetKey = useCallback((problem: string | null) => {
    keyStore.clear();
    setKey(null);
    setKeyProblem(problem);
  }, []);

  const loadPage = useCallback(
    async (replace: boolean, cursor: string | null = null) => {
      if (!api) return;
      dispatch({ type: 'loading' });
      try {
        const page = await api.listDownloads({ status: filterRef.current, cursor });
        dispatch({ type: 'page', jobs: page.jobs, nextCursor: page.nextCursor, replace });
      } catch (e) {
        if (e instanceof ApiFailure && e.status === 401) return forgetKey(e.message);
        dispatch({ type: 'error', message: messageOf(e), unsupported: e instanceof ApiFailure && e.unsupported });
      }
    },
    [api, forgetKey],
  );

  // the live stream: every job change of this key, resumed after reconnects
  useEffect(() => {
    if (!key) return;
    let connectedOnce = false;
    const stop = followEvents({
      key,
      onState: (s) => {
        setStream(s);
        if (s === 'unauthorized') forgetKey('The API key was not accepted. Check it and enter it again.');
      },
      onMessage: (m) => {
        if (m.event === 'job') dispatch({ type: 'upsert', job: JSON.parse(m.data) as Job });
        // a fresh stream after a lost one, or a gap the server cannot replay: reload what is shown
        else if (m.event === 'resync' || (m.event === 'hello' && connectedOnce && !(JSON.parse(m.data) as { resumed: boolean }).resumed)) void loadPage(true);
        if (m.event === 'hello') connectedOnce = true;
      },
    });
    return stop;
  }, [key, loadPage, forgetKey]);

  useEffect(() => {
    void loadPage(true);
  }, [loadPage, state.filter]);

  const cancel = useCallback(
    async (id: string) => {
      if (!api) return;
      setCancelling((s) => new Set(s).add(id));
      setFlash(null);
      try {
        dispatch({ type: 'upsert', job: await api.cancel(id) });
      } catch (e) {
        setFlash({ ok: false, text: messageOf(e) });
      } finally {
        setCancelling((s) => {
          const n = new Set(s);
          n.delete(id);
          return n;
        });
      }
    },
    [api],
  );

  const createdIds = useCallback(
    (ids: string[]) => {
      if (!api) return;
      for (const id of ids)
        api.getDownload(id).then(
          (j) => dispatch({ type: 'upsert', job: j }),
          () => undefined,
        );
    },
    [api],
  );

  const setOne = (id: string, on: boolean) =>
    setBusy((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  /** Runs a row action: the job it answers goes into the list, a failure into the banner. */
  const rowAction = useCallback(async (id: string, what: () => Promise<Job>, done: (j: Job) => string) => {
    setOne(id, true);
    setFlash(null);
    try {
      const job = await what();
      dispatch({ type: 'upsert', job });
      setFlash({ ok: true, text: done(job) });
    } catch (e) {
      setFlash({ ok: false, text: messageOf(e) });
    } finally {
      setOne(id, false);
    }
  }, []);

  const retry = useCallback(
    (id: string) =>
      library &&
      void rowAction(
        id,
        () => library.retry(id),
        (j) => `Queued ${j.request_id} to retry ${id}.`,
      ),
    [library, rowAction],
  );
  const deleteFile = useCallback(
    (id: string) => {
      if (!library) return;
      const name = state.byId[id]?.file_info?.filename ?? id;
      if (!confirm(`Delete ${name} and its sidecar files? The download stays listed.`)) return;
      void rowAction(
        id,
        () => library.deleteFile(id),
        () => `Deleted the files of ${id}.`,
      );
    },
    [library, rowAction, state.byId],
  );

  const bulk = useCallback(async (what: () => Promise<string>) => {
    setBulkBusy(true);
    setFlash(null);
    try {
      setFlash({ ok: true, text: await what() });
    } catch (e) {
      setFlash({ ok: false, text: messageOf(e) });
    } finally {
      setBulkBusy(false);
    }
  }, []);
  const retryFailed = () =>
    library &&
    void bulk(async () => {
      const r = await library.retryFailed();
      createdIds(r.jobs.map((j) => j.request_id));
      return r.retried === 0
        ? 'No failed downloads to retry.'
        : `Queued ${r.retried} failed download${r.retried === 1 ? '' : 's'} again${r.more ? ' (there are more: press again)' : ''}.`;
    });
  const clearCompleted = (deleteFiles: boolean) => {
    if (!library) return;
    if (!confirm(`Remove all completed downloads from the list${deleteFiles ? ' and delete their files' : ' (their files stay)'}?`)) return;
    void bulk(async () => {
      const r = await library.clear(['completed'], deleteFiles);
      dispatch({ type: 'remove', ids: r.request_ids });
      return `Cleared ${r.cleared} completed download${r.cleared === 1 ? '' : 's'}${deleteFiles ? `, ${r.files_removed} file${r.files_removed === 1 ? '' : 's'} deleted` : ''}${r.more ? ' (there are more: press again)' : ''}.`;
    });
  };

  const detailId = /^\/downloads\/([A-Za-z0-9_-]+)\/?$/.exec(path)?.[1];

  return (
    <>
      <header class="top">
        <h1>Media Download API</h1>
        {key && (
          <nav class="nav" aria-label="Pages">
            <Link href="/" class={path.startsWith('/subscriptions') ? 'nav__link' : 'nav__link nav__link--here'}>
              Downloads
            </Link>
            <Link href="/subscriptions" class={path.startsWith('/subscriptions') ? 'nav__link nav__link--here' : 'nav__link'}>
              Subscriptions
            </Link>
          </nav>
        )}
        {key && (
          <div class="top__right">
            <span class={`live live--${stream}`} role="status" aria-live="polite">
              {STREAM_LABEL[stream]}
            </span>
            <button type="button" class="button button--small" onClick={() => forgetKey(null)}>
              Forget key
            </button>
          </div>
        )}
      </header>
      <main id="main">
        {key && flash && (
          <p class={flash.ok ? 'ok flash' : 'error flash'} role={flash.ok ? 'status' : 'alert'}>
            {flash.text}
          </p>
        )}
        {!key || !api || !library ? (
          <KeyForm
            problem={keyProblem}
            onKey={(k) => {
              keyStore.set(k);
              setKeyProblem(null);
              setKey(k);
            }}
          />
        ) : detailId ? (
          <JobDetail
            api={api}
            id={detailId}
            live={state.byId[detailId]}
            onJob={(j) => dispatch({ type: 'upsert', job: j })}
            onCancel={cancel}
            cancelling={cancelling.has(detailId)}
            library={library}
            onRetry={retry}
            onDeleteFile={deleteFile}
            busy={busy.has(detailId)}
          />
        ) : /^\/subscriptions\/?$/.test(path) ? (
          <SubscriptionsPage api={api} library={library} onJobIds={createdIds} />
        ) : (
          <>
            <SubmitPanel api={api} onCreated={(j) => dispatch({ type: 'upsert', job: j })} onCreatedIds={createdIds} />
            <JobList
              jobs={visibleJobs(state)}
              filter={state.filter}
              onFilter={(f: JobStatus | '') => dispatch({ type: 'filter', filter: f })}
              onCancel={cancel}
              cancelling={cancelling}
              onRetry={retry}
              onDeleteFile={deleteFile}
              busy={busy}
              onRetryFailed={retryFailed}
              onClearCompleted={clearCompleted}
              bulkBusy={bulkBusy}
              hasMore={!!state.nextCursor}
              onMore={() => void loadPage(false, state.nextCursor)}
              loading={state.loading}
              error={state.error}
              notice={state.listSupported ? null : 'This server cannot list downloads yet: showing the downloads of this session, updated live.'}
            />
          </>
        )}
      </main>
    </>
  );
}
