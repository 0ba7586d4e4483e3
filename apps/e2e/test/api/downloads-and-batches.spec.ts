import { waitFor } from '@mda/testing';
import { makeTestClip } from '../support/media-source';
import { TestSystem } from '../support/system';
import { ReceivedWebhook, SlowSource, maxOverlap, signatureOk, startReceiver, startSlowSource } from './support';

const OTHER_KEY = 'other-key-0123456789';

describe('downloads listing and batches (real broker, SQLite store, built apps)', () => {
  let sys: TestSystem;
  let source: SlowSource;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const other = { 'x-api-key': OTHER_KEY };

  beforeAll(async () => {
    // 4 download slots in the worker: only concurrent_limit can hold a batch to 2
    sys = await TestSystem.start({ env: { API_KEYS: OTHER_KEY, WORKER_CONCURRENCY: '4', RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' } });
    source = await startSlowSource(makeTestClip(1), 1.5);
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await source?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const finalJob = (id: string, headers: Record<string, string> = {}) =>
    waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`, undefined, headers);
        return ['completed', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
      },
      { timeoutMs: 30_000, what: `job ${id} final` },
    );

  it("lists only the caller's jobs, newest first, with filters and an opaque cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await sys.api('POST', '/api/v1/download', { url: `${source.url}/missing-${i}.bin` })).body.request_id);
    const theirs = (await sys.api('POST', '/api/v1/download', { url: `${source.url}/missing-x.bin` }, other)).body.request_id;
    await Promise.all([...ids.map((id) => finalJob(id)), finalJob(theirs, other)]);

    const page1 = await sys.api('GET', '/api/v1/downloads?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.downloads.map((d: any) => d.request_id)).toEqual([ids[2], ids[1]]);
    expect(typeof page1.body.next_cursor).toBe('string');
    const page2 = await sys.api('GET', `/api/v1/downloads?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.downloads.map((d: any) => d.request_id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();
    const failed = await sys.api('GET', '/api/v1/downloads?status=failed&limit=100');
    expect(failed.body.downloads.length).toBe(3);
    expect(failed.body.downloads.every((d: any) => d.status === 'failed')).toBe(true);
    expect((await sys.api('GET', '/api/v1/downloads?status=completed')).body.downloads).toEqual([]);
    const mine = await sys.api('GET', '/api/v1/downloads', undefined, other);
    expect(mine.body.downloads.map((d: any) => d.request_id)).toEqual([theirs]);
    expect((await sys.api('GET', `/api/v1/download/${theirs}`)).status).toBe(404);

    for (const q of ['limit=101', 'limit=0', 'status=done', 'cursor=nonsense', 'sort=asc']) {
      const r = await sys.api('GET', `/api/v1/downloads?${q}`);
      expect([q, r.status, r.body.error?.code]).toEqual([q, 400, 'validation_error']);
    }
  }, 60_000);

  it('runs a batch with concurrent_limit 2: never more than 2 at once, then one signed batch.completed', async () => {
    const urls = ['b1', 'b2', 'b3', 'b4', 'b5'].map((n) => source.urlFor(n));
    const webhook = `${receiver.url}/hook`;
    const created = await sys.api('POST', '/api/v1/batch/download', { urls, concurrent_limit: 2, webhook_url: webhook, quality: '720p' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ batch_id: expect.stringMatching(/^batch_[a-z0-9]{12,}$/), status: 'queued', total: 5, concurrent_limit: 2 });
    expect(created.body.request_ids).toHaveLength(5);
    const batchId = created.body.batch_id as string;

    const early = await sys.api('GET', `/api/v1/batch/${batchId}`);
    expect(early.status).toBe(200);
    expect(early.body.counts.queued + early.body.counts.running).toBe(5);

    const done = await waitFor(() => receiver.received.find((w) => w.body.event === 'batch.completed' && w.body.batch_id === batchId), {
      timeoutMs: 60_000,
      what: 'batch.completed webhook',
    });
    expect(signatureOk(done, sys.apiKey)).toBe(true);
    expect(done.headers['x-webhook-event']).toBe('batch.completed');
    expect(done.body).toEqual({
      event: 'batch.completed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      request_id: null,
      batch_id: batchId,
      data: { batch_id: batchId, status: 'completed', total: 5, completed: 5, failed: 0, cancelled: 0, request_ids: created.body.request_ids },
    });
    const view = await sys.api('GET', `/api/v1/batch/${batchId}`);
    expect(view.body).toMatchObject({ status: 'completed', total: 5, counts: { queued: 0, running: 0, completed: 5, failed: 0, cancelled: 0 } });
    expect(view.body.downloads.map((d: any) => d.request_id)).toEqual(created.body.request_ids);
    expect(view.body.downloads.map((d: any) => d.url)).toEqual(urls);
    // observed, not assumed: at the source, and from the jobs' own start and end times
    expect(source.maxInFlight()).toBe(2);
    expect(maxOverlap(view.body.downloads)).toBe(2);
    // each child sent its own signed download.* webhooks too
    const childEvents = receiver.received.filter((w: ReceivedWebhook) => created.body.request_ids.includes(w.body.request_id));
    expect(childEvents.filter((w) => w.body.event === 'download.completed')).toHaveLength(5);
    expect(childEvents.every((w) => signatureOk(w, sys.apiKey))).toBe(true);
    expect(receiver.received.filter((w) => w.body.batch_id === batchId)).toHaveLength(1);
    // the listing filters by batch
    const listed = await sys.api('GET', `/api/v1/downloads?batch_id=${batchId}&limit=100`);
    expect(listed.body.downloads.map((d: any) => d.request_id).sort()).toEqual([...created.body.request_ids].sort());
  }, 90_000);

  it('stop_on_error starts nothing after a failure', async () => {
    const urls = [`${source.url}/nope.bin`, source.urlFor('s2'), source.urlFor('s3')];
    const created = await sys.api('POST', '/api/v1/batch/download', { urls, concurrent_limit: 1, stop_on_error: true });
    expect(created.status).toBe(202);
    const view = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/batch/${created.body.batch_id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      { timeoutMs: 30_000, what: 'batch done' },
    );
    expect(view.counts).toMatchObject({ failed: 1, cancelled: 2, completed: 0 });
    expect(view.downloads[1].error).toMatch(/stop_on_error/);
    expect(source.gets.filter((p) => p === '/s2.mp4' || p === '/s3.mp4')).toEqual([]);
  }, 60_000);

  it('DELETE cancels the rest of a batch; a second DELETE is 409; other keys get 404', async () => {
    const urls = ['c1', 'c2', 'c3', 'c4'].map((n) => source.urlFor(n));
    const created = await sys.api('POST', '/api/v1/batch/download', { urls, concurrent_limit: 1, webhook_url: `${receiver.url}/cancel` });
    const batchId = created.body.batch_id as string;
    expect((await sys.api('GET', `/api/v1/batch/${batchId}`, undefined, other)).status).toBe(404);
    expect((await sys.api('DELETE', `/api/v1/batch/${batchId}`, undefined, other)).status).toBe(404);
    await waitFor(async () => (await sys.api('GET', `/api/v1/batch/${batchId}`)).body.counts.running === 1, { what: 'first child running' });
    const del = await sys.api('DELETE', `/api/v1/batch/${batchId}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('cancelled');
    const done = await waitFor(() => receiver.received.find((w) => w.body.event === 'batch.completed' && w.body.batch_id === batchId), {
      timeoutMs: 30_000,
      what: 'batch.completed after cancel',
    });
    expect(done.body.data).toMatchObject({ status: 'cancelled', total: 4, cancelled: 4, completed: 0 });
    const again = await sys.api('DELETE', `/api/v1/batch/${batchId}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect(source.gets.filter((p) => ['/c2.mp4', '/c3.mp4', '/c4.mp4'].includes(p))).toEqual([]);
    expect((await sys.api('GET', '/api/v1/batch/batch_doesnotexist00')).status).toBe(404);
  }, 60_000);

  it.each([
    ['no urls', { urls: [] }, /at least 1/],
    ['101 urls', { urls: Array.from({ length: 101 }, (_, i) => `http://127.0.0.1:9/${i}.mp4`) }, /at most 100/],
    ['repeated urls', { urls: ['http://127.0.0.1:9/a.mp4', 'http://127.0.0.1:9/a.mp4'] }, /repeat/],
    ['a non-http url', { urls: ['ftp://127.0.0.1/a.mp4'] }, /http or https/],
    ['concurrent_limit 11', { urls: ['http://127.0.0.1:9/a.mp4'], concurrent_limit: 11 }, /concurrent_limit/],
    ['concurrent_limit 0', { urls: ['http://127.0.0.1:9/a.mp4'], concurrent_limit: 0 }, /concurrent_limit/],
    ['an unknown field', { urls: ['http://127.0.0.1:9/a.mp4'], priority: 1 }, /priority/],
    ['a bad quality', { urls: ['http://127.0.0.1:9/a.mp4'], quality: '8k' }, /quality/],
  ])('refuses a batch with %s (400, nothing stored)', async (_n, body, msg) => {
    const before = (await sys.api('GET', '/api/v1/downloads?limit=100')).body.downloads.length;
    const r = await sys.api('POST', '/api/v1/batch/download', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_error');
    expect(r.body.error.message).toMatch(msg);
    expect((await sys.api('GET', '/api/v1/downloads?limit=100')).body.downloads.length).toBe(before);
  });

  it('null for an option with a default means unset: accepted with the defaults (was a 500)', async () => {
    const nulls = { quality: null, video_format: null, embed_metadata: null, download_subtitles: null, timeout_sec: null, custom_format: null };
    const r = await sys.api('POST', '/api/v1/download', { url: `${source.url}/missing-null.bin`, ...nulls });
    expect([r.status, r.body.error?.code]).toEqual([202, undefined]);
    const job = await finalJob(r.body.request_id);
    expect(job.options).toMatchObject({ quality: 'best', video_format: 'mp4', embed_metadata: true, download_subtitles: false, timeout_sec: 1800 });
  }, 60_000);
});
