import { batchConcurrency } from './download-capacity';

describe('batchConcurrency', () => {
  it('is concurrent_limit when the workers have room for it', () => {
    expect(batchConcurrency(3, 2, 2)).toMatchObject({
      effective_concurrency: 3,
      concurrency: { limited_by: 'concurrent_limit', job_consumers: 2, worker_concurrency: 2 },
    });
  });

  it('is WORKER_CONCURRENCY × consumers when that is lower, and says so', () => {
    const c = batchConcurrency(10, 2, 1);
    expect(c.effective_concurrency).toBe(2);
    expect(c.concurrency.limited_by).toBe('workers');
    expect(c.concurrency.reason).toBe(
      'concurrent_limit 10 is above what the workers run at once: WORKER_CONCURRENCY 2 × 1 worker = 2, shared with every other job',
    );
  });

  it('is unknown when the broker cannot say, and 0 with no worker', () => {
    expect(batchConcurrency(3, 2, null)).toMatchObject({ effective_concurrency: null, concurrency: { limited_by: 'unknown' } });
    expect(batchConcurrency(3, 2, 0)).toMatchObject({ effective_concurrency: 0, concurrency: { limited_by: 'workers' } });
  });
});
