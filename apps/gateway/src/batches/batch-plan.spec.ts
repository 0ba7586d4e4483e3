import { JobStatus } from '@mda/contracts';
import { planBatch } from './batch-plan';
import type { Batch, ChildState } from './batches.repository';

const batch = (over: Partial<Batch> = {}): Batch => ({
  batch_id: 'batch_aaaaaaaaaaaa',
  api_key_fp: 'f'.repeat(16),
  kind: 'urls',
  source_url: null,
  concurrent_limit: 2,
  stop_on_error: false,
  webhook_url: null,
  total: 4,
  version: 0,
  cancelled_at: null,
  completing_at: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
});
const T0 = '2026-01-01T00:00:00.000Z';
const child = (i: number, status: JobStatus, claimed = false, published = claimed): ChildState => ({
  request_id: `req_child${i}aaaaaaa`,
  position: i,
  claimed_at: claimed ? T0 : null,
  published_at: published ? T0 : null,
  status,
});
const now = Date.parse(T0) + 1000;

describe('planBatch', () => {
  it('releases the first children up to the limit', () => {
    const p = planBatch(batch(), [child(2, 'queued'), child(0, 'queued'), child(1, 'queued'), child(3, 'queued')], now, 30_000);
    expect(p).toEqual({ cancel: [], release: ['req_child0aaaaaaa', 'req_child1aaaaaaa'], republish: [], complete: false });
  });

  it('counts claimed children that are queued or running against the limit', () => {
    expect(planBatch(batch(), [child(0, 'running', true), child(1, 'queued', true), child(2, 'queued')], now, 30_000).release).toEqual([]);
    expect(planBatch(batch(), [child(0, 'completed', true), child(1, 'running', true), child(2, 'queued'), child(3, 'queued')], now, 30_000).release).toEqual([
      'req_child2aaaaaaa',
    ]);
  });

  it('completes when every child is final', () => {
    const p = planBatch(batch(), [child(0, 'completed', true), child(1, 'failed', true), child(2, 'cancelled')], now, 30_000);
    expect(p.complete).toBe(true);
    expect(planBatch(batch({ completed_at: T0 }), [child(0, 'completed', true)], now, 30_000).complete).toBe(false);
    // another replica is publishing it: leave it, unless it has been too long
    expect(planBatch(batch({ completing_at: T0 }), [child(0, 'completed', true)], now, 30_000).complete).toBe(false);
    expect(planBatch(batch({ completing_at: T0 }), [child(0, 'completed', true)], now + 60_000, 30_000).complete).toBe(true);
  });

  it('cancels what has not started after a failure when stop_on_error is set, and after a cancel', () => {
    const kids = [child(0, 'failed', true), child(1, 'running', true), child(2, 'queued'), child(3, 'queued')];
    expect(planBatch(batch(), kids, now, 30_000).release).toEqual(['req_child2aaaaaaa']);
    expect(planBatch(batch({ stop_on_error: true }), kids, now, 30_000)).toMatchObject({ cancel: ['req_child2aaaaaaa', 'req_child3aaaaaaa'], release: [] });
    expect(planBatch(batch({ cancelled_at: T0 }), [child(0, 'queued'), child(1, 'queued')], now, 30_000).cancel).toHaveLength(2);
  });

  it('publishes again a child claimed but never confirmed, once it is old enough', () => {
    const kids = [child(0, 'queued', true, false), child(1, 'queued')];
    expect(planBatch(batch({ concurrent_limit: 1 }), kids, now, 30_000).republish).toEqual([]);
    expect(planBatch(batch({ concurrent_limit: 1 }), kids, now + 60_000, 30_000)).toMatchObject({ republish: ['req_child0aaaaaaa'], release: [] });
  });
});
