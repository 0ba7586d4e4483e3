import { FINAL_STATUSES, Job, JobStatus } from '../api/types';

export interface JobsState {
  byId: Record<string, Job>;
  filter: JobStatus | '';
  nextCursor: string | null;
  /** false once the server answered that it has no list endpoint: the page shows this session's jobs. */
  listSupported: boolean;
  loading: boolean;
  error: string | null;
}

export const initialJobs: JobsState = { byId: {}, filter: '', nextCursor: null, listSupported: true, loading: false, error: null };

export type JobsAction =
  | { type: 'upsert'; job: Job }
  | { type: 'remove'; ids: string[] }
  | { type: 'page'; jobs: Job[]; nextCursor: string | null; replace: boolean }
  | { type: 'filter'; filter: JobStatus | '' }
  | { type: 'loading' }
  | { type: 'error'; message: string; unsupported?: boolean };

const rank = (s: JobStatus) => (s === 'queued' ? 0 : s === 'running' ? 1 : 2);

/**
 * Which of two views of one job is the newer. A final state never goes back; while running, more
 * bytes is newer. A page fetched before a stream event arrived cannot undo that event.
 */
export function newerJob(current: Job | undefined, incoming: Job): Job {
  if (!current) return incoming;
  const chosen = newerView(current, incoming);
  // answers that do not count webhook events (cancel, retry) keep the count last seen
  const other = chosen === incoming ? current : incoming;
  return chosen.webhooks === undefined && other.webhooks !== undefined ? { ...chosen, webhooks: other.webhooks } : chosen;
}

function newerView(current: Job, incoming: Job): Job {
  const a = rank(current.status);
  const b = rank(incoming.status);
  if (a !== b) return b > a ? incoming : current;
  if (current.status === 'running') {
    const have = current.progress?.downloaded_bytes ?? -1;
    const got = incoming.progress?.downloaded_bytes ?? -1;
    return got >= have ? incoming : current;
  }
  return incoming;
}

export function jobsReducer(state: JobsState, action: JobsAction): JobsState {
  switch (action.type) {
    case 'upsert':
      return { ...state, byId: { ...state.byId, [action.job.request_id]: newerJob(state.byId[action.job.request_id], action.job) } };
    case 'remove': {
      const byId = { ...state.byId };
      for (const id of action.ids) delete byId[id];
      return { ...state, byId };
    }
    case 'page': {
      const byId = action.replace ? {} : { ...state.byId };
      // a replaced list keeps jobs still in progress that the stream told us about
      if (action.replace) for (const j of Object.values(state.byId)) if (!FINAL_STATUSES.includes(j.status)) byId[j.request_id] = j;
      for (const j of action.jobs) byId[j.request_id] = newerJob(byId[j.request_id], j);
      return { ...state, byId, nextCursor: action.nextCursor, loading: false, error: null, listSupported: true };
    }
    case 'filter':
      return { ...state, filter: action.filter, nextCursor: null };
    case 'loading':
      return { ...state, loading: true, error: null };
    case 'error':
      return action.unsupported ? { ...state, loading: false, listSupported: false, nextCursor: null } : { ...state, loading: false, error: action.message };
    default: {
      const never: never = action;
      return never;
    }
  }
}

/** The list as shown: the filter applied, newest first (as the API orders it). */
export function visibleJobs(state: Pick<JobsState, 'byId' | 'filter'>): Job[] {
  return Object.values(state.byId)
    .filter((j) => !state.filter || j.status === state.filter)
    .sort((x, y) => (x.created_at === y.created_at ? (x.request_id < y.request_id ? 1 : -1) : x.created_at < y.created_at ? 1 : -1));
}
