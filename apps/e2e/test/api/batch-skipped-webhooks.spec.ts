import { waitFor } from '@mda/testing';
import { makeTestClip } from '../support/media-source';
import { TestSystem } from '../support/system';
import { SlowSource, signatureOk, startReceiver, startSlowSource } from './support';

/** Jobs of a batch that end without running still tell their webhook: download.cancelled, with the reason. */
describe('batch children that never run get download.cancelled webhooks (built apps, real broker)', () => {
  let sys: TestSystem;
  let source: SlowSource;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { WORKER_CONCURRENCY: '2', RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' } });
    source = await startSlowSource(makeTestClip(1), 3);
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await source?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const cancelledHooks = (ids: string[]) => receiver.received.filter((w) => w.body.event === 'download.cancelled' && ids.includes(w.body.request_id ?? ''));

  it('stop_on_error: each skipped job gets download.cancelled naming stop_on_error', async () => {
    const urls = [`${source.url}/missing.bin`, source.urlFor('s2'), source.urlFor('s3')];
    const created = await sys.api('POST', '/api/v1/batch/download', { urls, concurrent_limit: 1, stop_on_error: true, webhook_url: `${receiver.url}/soe` });
    expect(created.status).toBe(202);
    const [failedId, ...skipped] = created.body.request_ids as string[];
    const hooks = await waitFor(() => (cancelledHooks(skipped).length === 2 ? cancelledHooks(skipped) : undefined), {
      timeoutMs: 30_000,
      what: 'two download.cancelled webhooks',
    });
    for (const w of hooks) {
      expect(signatureOk(w, sys.apiKey)).toBe(true);
      expect(w.body.data).toEqual({
        request_id: w.body.request_id,
        url: expect.any(String),
        status: 'cancelled',
        reason: expect.stringMatching(/stop_on_error/),
      });
    }
    expect(receiver.received.some((w) => w.body.event === 'download.failed' && w.body.request_id === failedId)).toBe(true);
    // the job says the same, and its log line
    const logs = await sys.api('GET', `/api/v1/download/${skipped[0]}/logs`);
    expect(JSON.stringify(logs.body)).toMatch(/stop_on_error/);
    expect(source.gets.filter((p) => p === '/s2.mp4' || p === '/s3.mp4')).toEqual([]);
  }, 60_000);

  it('DELETE /batch: the running job and every waiting one get download.cancelled with a reason', async () => {
    const urls = ['c1', 'c2', 'c3', 'c4'].map((n) => source.urlFor(n));
    const created = await sys.api('POST', '/api/v1/batch/download', { urls, concurrent_limit: 1, webhook_url: `${receiver.url}/cancel` });
    const ids = created.body.request_ids as string[];
    await waitFor(async () => (await sys.api('GET', `/api/v1/batch/${created.body.batch_id}`)).body.counts.running === 1, {
      timeoutMs: 20_000,
      what: 'first child running',
    });
    expect((await sys.api('DELETE', `/api/v1/batch/${created.body.batch_id}`)).status).toBe(200);
    const hooks = await waitFor(() => (cancelledHooks(ids).length === 4 ? cancelledHooks(ids) : undefined), {
      timeoutMs: 30_000,
      what: 'four download.cancelled webhooks',
    });
    expect(hooks.map((w) => w.body.request_id).sort()).toEqual([...ids].sort());
    expect(hooks.find((w) => w.body.request_id === ids[0])?.body.data.reason).toBe('Cancelled by request');
    for (const id of ids.slice(1)) expect(hooks.find((w) => w.body.request_id === id)?.body.data.reason).toBe('Cancelled with its batch');
    await waitFor(() => receiver.received.find((w) => w.body.event === 'batch.completed' && w.body.batch_id === created.body.batch_id), {
      timeoutMs: 20_000,
      what: 'batch.completed',
    });
    // exactly once each
    expect(cancelledHooks(ids)).toHaveLength(4);
  }, 60_000);

  it('shows the effective concurrency and why: concurrent_limit 10 on one worker of WORKER_CONCURRENCY 2 runs 2', async () => {
    const created = await sys.api('POST', '/api/v1/batch/download', { urls: [source.urlFor('e1')], concurrent_limit: 10 });
    expect(created.status).toBe(202);
    const expected = {
      effective_concurrency: 2,
      concurrency: {
        concurrent_limit: 10,
        worker_concurrency: 2,
        job_consumers: 1,
        limited_by: 'workers',
        reason: expect.stringMatching(/WORKER_CONCURRENCY 2 × 1 worker = 2/),
      },
    };
    expect(created.body).toMatchObject(expected);
    const small = await sys.api('POST', '/api/v1/batch/download', { urls: [source.urlFor('e2')], concurrent_limit: 1 });
    const view = await sys.api('GET', `/api/v1/batch/${small.body.batch_id}`);
    expect(view.body).toMatchObject({ effective_concurrency: 1, concurrency: { limited_by: 'concurrent_limit', job_consumers: 1 } });
    expect((await sys.api('GET', `/api/v1/batch/${created.body.batch_id}`)).body).toMatchObject(expected);
  }, 30_000);
});
