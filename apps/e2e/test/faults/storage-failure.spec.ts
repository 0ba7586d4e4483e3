import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { submit, waitFinal, waitStatus } from '../downloads/support/jobs';
import { scrape, valueOf } from '../ops/support/metrics';
import { Receiver } from './support/receiver';

const MGMT = 'http://127.0.0.1:15672';
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');

/**
 * The worker's media folder becomes unusable (replaced by a file) while it runs a job: that job
 * ends failed with storage_error, its webhook arrives and the failure is counted; the worker
 * reports not-ready and stops consuming, so a job submitted meanwhile stays queued (never
 * dead-lettered), and completes once the folder is back.
 */
describe('storage failure on the worker', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let receiver: Receiver;
  let clip: string;
  let away: string;

  const workerReady = async () => {
    const r = await fetch(`http://127.0.0.1:${sys.apps.get('downloader-worker')!.metricsPort}/health/ready`);
    return { status: r.status, body: (await r.json()) as { checks: Record<string, unknown> } };
  };
  const workerMetrics = async () => (await scrape(`http://127.0.0.1:${sys.apps.get('downloader-worker')!.metricsPort}/metrics`)).samples;
  const jobQueue = async () => {
    const r = await fetch(`${MGMT}/api/queues/${encodeURIComponent(sys.vhost.name)}/downloader.jobs`, { headers: { authorization: AUTH } });
    return (await r.json()) as { consumers: number; messages: number };
  };
  const deadJobs = async () => {
    const r = await fetch(`${MGMT}/api/queues/${encodeURIComponent(sys.vhost.name)}/downloader.jobs.dead`, { headers: { authorization: AUTH } });
    return ((await r.json()) as { messages?: number }).messages ?? 0;
  };

  beforeAll(async () => {
    sys = await TestSystem.start();
    away = `${sys.storageDir}.away`;
    receiver = await Receiver.start(sys.apiKey);
    clip = await makeClip({ seconds: 3, title: 'Storage Clip' });
    // about 3 s per download: time to break the folder while the job runs
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 3) });
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await receiver?.close();
    await sys?.stop();
    rmSync(away, { recursive: true, force: true });
  }, 60_000);

  it('fails the running job with storage_error, holds new jobs queued, and resumes when the folder is back', async () => {
    const running = await submit(sys, { url: media.urlFor(clip), webhook_url: receiver.url });
    await waitStatus(sys, running, 'running', 30_000);

    // the media folder is replaced by a file while the download runs
    renameSync(sys.storageDir, away);
    writeFileSync(sys.storageDir, 'not a folder');

    const failed = await waitFinal(sys, running, 30_000);
    expect(failed.status).toBe('failed');
    expect(failed.error_code).toBe('storage_error');
    expect(failed.error).toMatch(/Media store unusable: ENOTDIR|Media store unusable: EEXIST/);
    await waitFor(() => receiver.delivered().some((r) => r.requestId === running && r.event === 'download.failed'), {
      timeoutMs: 20_000,
      what: 'download.failed webhook',
    });

    const samples = await workerMetrics();
    expect(valueOf(samples, 'mda_job_failures_total', { error_code: 'storage_error' })).toBe(1);
    expect(valueOf(samples, 'mda_jobs_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'mda_store_writable')).toBe(0);
    const ready = await workerReady();
    expect(ready.status).toBe(503);
    expect(String(ready.body.checks['not_ready'])).toMatch(/^media store unusable: /);
    await waitFor(async () => (await jobQueue()).consumers === 0, { timeoutMs: 10_000, what: 'worker consumer cancelled' });

    // submitted while the store is down: waits in the queue, visible, not dead-lettered
    const waiting = await submit(sys, { url: media.urlFor(clip), webhook_url: receiver.url });
    await waitFor(async () => (await jobQueue()).messages === 1, { timeoutMs: 10_000, what: 'the job waiting in downloader.jobs' });
    const observedUntil = Date.now() + 3000;
    while (Date.now() < observedUntil) {
      expect((await sys.api('GET', `/api/v1/download/${waiting}`)).body.status).toBe('queued');
      expect(await deadJobs()).toBe(0);
      await new Promise((r) => setTimeout(r, 250));
    }

    // the folder comes back: the worker checks it, turns ready and takes the job
    rmSync(sys.storageDir);
    renameSync(away, sys.storageDir);
    const done = await waitFinal(sys, waiting, 60_000);
    expect(done.status).toBe('completed');
    expect((await workerReady()).status).toBe(200);
    expect(valueOf(await workerMetrics(), 'mda_store_writable')).toBe(1);
    await waitFor(() => receiver.delivered().some((r) => r.requestId === waiting && r.event === 'download.completed'), {
      timeoutMs: 20_000,
      what: 'download.completed webhook',
    });
    expect(await deadJobs()).toBe(0);
  }, 150_000);
});
