import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { submit, waitFinal } from '../downloads/support/jobs';
import { scrape, valueOf } from '../ops/support/metrics';
import { blockVhost, unblockVhost } from './support/broker';

/**
 * The broker goes away (this test's vhost only: connections refused and closed): the gateway
 * stays ready so Kubernetes keeps it in the Service; reads, signed files and the event stream
 * answer, submissions answer 503 with Retry-After, and `?full=1` and the metric say the broker is down.
 */
describe('gateway readiness during a broker outage', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let job: any;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway', 'downloader-worker'] });
    media = await serveMedia(mediaRoot());
    const clip = await makeClip({ seconds: 1, title: 'Ready Clip' });
    job = await waitFinal(sys, await submit(sys, { url: media.urlFor(clip) }));
    expect(job.status).toBe('completed');
  }, 90_000);

  afterAll(async () => {
    if (sys) await unblockVhost(sys.vhost).catch(() => undefined);
    await media?.close();
    await sys?.stop();
  }, 60_000);

  const ready = async (query = '') => {
    const r = await fetch(`${sys.baseUrl}/health/ready${query}`);
    return { status: r.status, body: (await r.json()) as { status: string; checks: Record<string, unknown> } };
  };
  const brokerGauge = async () => valueOf((await scrape(`${sys.baseUrl}/metrics`)).samples, 'mda_broker_connected');

  it('stays ready, serves reads, files and events, refuses submissions with 503, and reports the broker down on ?full=1', async () => {
    expect(await ready('?full=1')).toEqual({ status: 200, body: { status: 'ok', checks: { broker: 'up', store: 'up', shutting_down: false, workers: 1 } } });
    expect(await brokerGauge()).toBe(1);

    await blockVhost(sys.vhost);
    await waitFor(async () => (await ready('?full=1')).status === 503, { timeoutMs: 15_000, what: 'full readiness 503' });

    const full = await ready('?full=1');
    expect(full.body).toEqual({ status: 'unavailable', checks: { broker: 'down', store: 'up', shutting_down: false, workers: null } });
    expect(await ready()).toEqual({ status: 200, body: { status: 'degraded', checks: { broker: 'down', store: 'up', shutting_down: false, workers: null } } });
    expect((await fetch(`${sys.baseUrl}/api/v1/health`)).status).toBe(200);
    expect(await brokerGauge()).toBe(0);

    const read = await sys.api('GET', `/api/v1/download/${job.request_id}`);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('completed');
    const file = await fetch(job.file_info.download_url);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(job.file_info.size_bytes);

    const events = new AbortController();
    const stream = await fetch(`${sys.baseUrl}/api/v1/events`, { headers: { 'x-api-key': sys.apiKey }, signal: events.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    events.abort();

    const refused = await sys.api('POST', '/api/v1/download', { url: media.urlFor('nothing.mp4') });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error.code).toBeTruthy();

    await unblockVhost(sys.vhost);
    await waitFor(async () => (await ready('?full=1')).status === 200, { timeoutMs: 30_000, what: 'full readiness back' });
    expect(await brokerGauge()).toBe(1);
  }, 90_000);
});
