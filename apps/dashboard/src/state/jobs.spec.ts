import { describe, expect, it } from 'vitest';
import { makeJob } from '../test-fixtures';
import { initialJobs, jobsReducer, newerJob, visibleJobs } from './jobs';

describe('jobs state', () => {
  it('never lets an older view undo a newer one', () => {
    const j = makeJob({ status: 'running', progress: { percent: 60, downloaded_bytes: 60, total_bytes: 100, speed: 1, eta: 1 } });
    const older = { ...j, progress: { ...j.progress!, percent: 20, downloaded_bytes: 20 } };
    expect(newerJob(j, older)).toBe(j);
    const done = { ...j, status: 'completed' as const };
    expect(newerJob(done, j)).toBe(done);
    expect(newerJob(j, done)).toBe(done);
    expect(newerJob({ ...j, status: 'queued' }, j)).toBe(j);
  });

  it('shows newest first, filters by status, and keeps live jobs when a page replaces the list', () => {
    const old = makeJob({ status: 'completed' });
    const mid = makeJob({ status: 'failed' });
    const live = makeJob({ status: 'running' });
    let s = jobsReducer(initialJobs, { type: 'page', jobs: [mid, old], nextCursor: 'c1', replace: true });
    s = jobsReducer(s, { type: 'upsert', job: live });
    expect(visibleJobs(s).map((j) => j.request_id)).toEqual([live.request_id, mid.request_id, old.request_id]);
    expect(s.nextCursor).toBe('c1');
    s = jobsReducer(s, { type: 'filter', filter: 'failed' });
    expect(visibleJobs(s).map((j) => j.request_id)).toEqual([mid.request_id]);
    s = jobsReducer(s, { type: 'page', jobs: [mid], nextCursor: null, replace: true });
    expect(Object.keys(s.byId).sort()).toEqual([live.request_id, mid.request_id].sort());
  });

  it('remembers when the server has no list endpoint', () => {
    const s = jobsReducer(initialJobs, { type: 'error', message: 'x', unsupported: true });
    expect(s.listSupported).toBe(false);
    expect(s.error).toBeNull();
  });
});
