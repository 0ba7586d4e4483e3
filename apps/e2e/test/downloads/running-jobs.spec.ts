import { statSync } from 'node:fs';
import { MediaServer, makeClip, makeHls, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { startReceiver } from '../api/support';

/** A running job says what it does: /logs fills while it runs, progress carries totals and a sane speed. */
describe('running jobs are informative (built apps, real broker, yt-dlp on throttled local media)', () => {
  let sys: TestSystem;
  let slow: MediaServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hls: string;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' } });
    clip = await makeClip({ seconds: 8, width: 320, height: 240, title: 'Running Clip' });
    hls = await makeHls(clip);
    // about 5 s for the clip: long enough to look at the job while it runs
    slow = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 5) });
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await slow?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const progressOf = (id: string) =>
    receiver.received.filter((w) => w.body.event === 'download.progress' && w.body.request_id === id).map((w) => w.body.data.progress);
  const final = (id: string) =>
    waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
      },
      { timeoutMs: 40_000, what: `job ${id} final` },
    );

  it('HLS: /logs has lines while the job runs; progress webhooks carry totals; no speed in the first second', async () => {
    const created = await sys.api('POST', '/api/v1/download', { url: slow.urlFor(hls), webhook_url: `${receiver.url}/hls` });
    expect(created.status).toBe(202);
    const id = created.body.request_id as string;
    const whileRunning = await waitFor(
      async () => {
        const [job, logs] = await Promise.all([sys.api('GET', `/api/v1/download/${id}`), sys.api('GET', `/api/v1/download/${id}/logs`)]);
        return job.body.status === 'running' && JSON.stringify(logs.body).includes('PROGRESS') ? logs.body : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'log lines while running' },
    );
    expect(JSON.stringify(whileRunning)).toMatch(/hls|m3u8/i);
    const done = await final(id);
    expect(done.status).toBe('completed');
    await waitFor(() => receiver.received.some((w) => w.body.event === 'download.completed' && w.body.request_id === id), {
      timeoutMs: 10_000,
      what: 'completed webhook',
    });
    const running = progressOf(id).filter((p) => p.percent < 100);
    expect(running.length).toBeGreaterThan(1);
    for (const p of running) expect(p.total_bytes).toEqual(expect.any(Number));
    // the first reading is no wild guess: nothing until a second of data
    expect(running[0]).toMatchObject({ speed: null, eta: null });
    const withSpeed = running.filter((p) => p.speed !== null);
    expect(withSpeed.length).toBeGreaterThan(0);
    // the source sends about size/5 per second (plus the playlists); the smoothed speed stays near it
    for (const p of withSpeed) expect(p.speed).toBeLessThan((statSync(clip).size / 5) * 4);
  }, 60_000);

  it("knows title, uploader, duration and thumbnail when it starts; the download.started webhook stays the seed's", async () => {
    // a page whose JSON-LD names the video: yt-dlp's generic extractor reads all four from it
    const ld = {
      '@context': 'https://schema.org',
      '@type': 'VideoObject',
      name: 'Early Clip',
      author: { '@type': 'Person', name: 'Test Uploader' },
      duration: 'PT8S',
      thumbnailUrl: `${slow.url}/poster.jpg`,
      contentUrl: slow.urlFor(clip),
    };
    slow.setRoute(
      '/early.html',
      `<!doctype html><html><head><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body></body></html>`,
      'text/html',
    );
    const url = `${slow.url}/early.html`;
    const created = await sys.api('POST', '/api/v1/download', { url, webhook_url: `${receiver.url}/early` });
    const id = created.body.request_id as string;
    // the first read that is no longer queued: the job is running (the clip takes about 5 s) and already says what it is
    const first = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return r.body.status !== 'queued' ? r.body : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'job started' },
    );
    expect({ status: first.status, waited_ms: Date.parse(first.started_at) - Date.parse(first.created_at) }).toMatchObject({ status: 'running' });
    expect(first.metadata).toMatchObject({ title: 'Early Clip', uploader: 'Test Uploader', duration: 8, thumbnail: `${slow.url}/poster.jpg` });
    expect((await final(id)).status).toBe('completed');
    const started = await waitFor(() => receiver.received.find((w) => w.body.event === 'download.started' && w.body.request_id === id), {
      timeoutMs: 10_000,
      what: 'started webhook',
    });
    expect(started.body.data).toEqual({ request_id: id, url, status: 'running' });
  }, 60_000);

  it('direct file: progress webhooks carry the total', async () => {
    const created = await sys.api('POST', '/api/v1/download', { url: slow.urlFor(clip), webhook_url: `${receiver.url}/direct` });
    const id = created.body.request_id as string;
    expect((await final(id)).status).toBe('completed');
    await waitFor(() => receiver.received.some((w) => w.body.event === 'download.completed' && w.body.request_id === id), {
      timeoutMs: 10_000,
      what: 'completed webhook',
    });
    const running = progressOf(id).filter((p) => p.percent < 100);
    expect(running.length).toBeGreaterThan(0);
    for (const p of running) expect(p.total_bytes).toBe(statSync(clip).size);
  }, 60_000);
});
