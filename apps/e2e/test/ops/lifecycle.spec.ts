import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { AppName, TestSystem } from '../support/system';
import { blockVhost, unblockVhost } from '../faults/support/broker';
import { finishedBy, jsonLines, startedBy, submit, waitAllFinal } from '../faults/support/jobs';
import { Receiver } from '../faults/support/receiver';
import { Replica } from '../faults/support/replica';
import { scrape, valueOf } from './support/metrics';

const readyUrl = (sys: TestSystem, name: AppName) =>
  name === 'gateway' ? `${sys.baseUrl}/health/ready` : `http://127.0.0.1:${sys.apps.get(name)!.metricsPort}/health/ready`;

/** What readiness answers: the status, or 0 when nothing listens any more. */
async function probe(url: string): Promise<{ status: number; body?: any }> {
  try {
    const res = await fetch(url);
    return { status: res.status, body: await res.json() };
  } catch {
    return { status: 0 };
  }
}

/** Sends SIGTERM and records readiness until the process is gone. */
async function terminate(sys: TestSystem, name: AppName, onProbe?: (p: { status: number; body?: any }) => Promise<void> | void) {
  const url = readyUrl(sys, name);
  const t0 = Date.now();
  const exit = sys.kill(name, 'SIGTERM');
  let done = false;
  const probes: Array<{ status: number; body?: any; at: number }> = [];
  void exit.then(() => (done = true));
  // signals are delivered asynchronously: count the probes sent once the app has taken the signal
  const tookSignal = () => sys.logsOf(name).some((l) => l.includes('shutting down'));
  while (!done) {
    const after = tookSignal();
    const p = await probe(url);
    if (after) {
      probes.push({ ...p, at: Date.now() - t0 });
      if (onProbe && !done) await onProbe(p);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { code: await exit, seconds: (Date.now() - t0) / 1000, probes };
}

describe('lifecycle: SIGTERM drains each app and exits 0', () => {
  const GRACE = 15;
  let sys: TestSystem;
  let receiver: Receiver;
  let media: MediaServer;
  let clip: string;

  beforeAll(async () => {
    // the sender logs each successful delivery at debug level (info would flood at volume)
    sys = await TestSystem.start({ env: { SHUTDOWN_GRACE_SEC: String(GRACE) }, appEnv: { 'webhook-sender': { LOG_LEVEL: 'debug' } } });
    receiver = await Receiver.start(sys.apiKey);
    clip = await makeClip({ seconds: 3, title: 'Lifecycle Clip' });
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 3) });
  }, 90_000);

  afterAll(async () => {
    await receiver?.close();
    await media?.close();
    await sys?.stop();
  }, 60_000);

  it('webhook-sender: not ready at once, stops consuming, finishes the delivery in flight, exits 0', async () => {
    receiver.delayMs = 2500;
    const { id } = await submit(sys, media.urlFor(clip), receiver.url);
    await waitFor(() => receiver.inFlight > 0, { timeoutMs: 15_000, what: 'a delivery in flight' });
    // events of a job sent while the sender drains must wait in its queue, not be taken by it
    let sentDuringDrain: string | undefined;
    const r = await terminate(sys, 'webhook-sender', async (p) => {
      if (p.status === 503 && !sentDuringDrain) sentDuringDrain = (await submit(sys, media.urlFor(clip), receiver.url)).id;
    });
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(GRACE);
    expect(r.probes.filter((p) => p.status === 200)).toEqual([]);
    expect(r.probes.find((p) => p.status === 503)?.body.checks).toMatchObject({ shutting_down: true });
    expect(sentDuringDrain).toBeDefined();
    await waitFor(async () => (await sys.vhost.queueDepth('webhook-sender.download-events')) >= 1, { what: 'the new job’s events waiting for a sender' });
    expect(receiver.receipts.filter((x) => x.requestId === sentDuringDrain)).toEqual([]);
    // the attempt in flight was answered and recorded before the exit, not cut off
    const logs = jsonLines(sys.logsOf('webhook-sender'));
    expect(logs.some((l) => l.request_id === id && /webhook delivered/.test(l.msg))).toBe(true);
    expect(logs.some((l) => /shut down cleanly/.test(l.msg))).toBe(true);
    receiver.delayMs = 0;
  }, 60_000);

  it('downloader-worker: not ready, stops consuming, lets the running download finish, exits 0', async () => {
    const { id } = await submit(sys, media.urlFor(clip));
    const worker = sys.apps.get('downloader-worker')!;
    await waitFor(() => startedBy(worker.output).includes(id!), { timeoutMs: 15_000, what: 'download running' });
    // a job sent while the worker drains must not be taken by it (a quorum queue still counts a
    // cancelled consumer until its unacked message settles, so the behaviour is what is checked)
    let sentDuringDrain: string | undefined;
    const r = await terminate(sys, 'downloader-worker', async (p) => {
      if (p.status === 503 && !sentDuringDrain) sentDuringDrain = (await submit(sys, media.urlFor(clip))).id;
    });
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(GRACE);
    expect(r.probes.filter((p) => p.status === 200)).toEqual([]);
    expect(r.probes.filter((p) => p.status === 503).length).toBeGreaterThan(3); // not ready for the whole drain
    expect(sentDuringDrain).toBeDefined();
    expect(startedBy(worker.output)).not.toContain(sentDuringDrain);
    expect(await sys.vhost.queueDepth('downloader.jobs')).toBe(1);
    expect(finishedBy(worker.output)).toContain(id);
    expect((await waitAllFinal(sys, [id!], 10_000)).get(id!)).toBe('completed');
  }, 60_000);

  it('gateway: not ready, stops consuming, closes, exits 0', async () => {
    const r = await terminate(sys, 'gateway');
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(GRACE);
    // once SIGTERM is sent no probe succeeds: 503 while draining, then nothing listens
    expect(r.probes.filter((p) => p.status === 200)).toEqual([]);
    expect(await sys.vhost.consumerCount('gateway.download-events')).toBe(0);
    expect(jsonLines(sys.logsOf('gateway')).some((l) => /shut down cleanly/.test(l.msg))).toBe(true);
  }, 60_000);
});

describe('lifecycle: a worker SIGTERMed mid-download with a short grace period', () => {
  let sys: TestSystem;
  let other: Replica | undefined;
  let media: MediaServer;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway', 'downloader-worker'], appEnv: { 'downloader-worker': { SHUTDOWN_GRACE_SEC: '1' } } });
    clip = await makeClip({ seconds: 3, title: 'Requeue Clip' });
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 6) });
  }, 90_000);

  afterAll(async () => {
    await other?.kill('SIGTERM');
    await media?.close();
    await sys?.stop();
  }, 60_000);

  it('hands the job back to the queue; another worker completes it', async () => {
    const { id } = await submit(sys, media.urlFor(clip));
    const first = sys.apps.get('downloader-worker')!;
    await waitFor(() => startedBy(first.output).includes(id!), { timeoutMs: 15_000, what: 'download running on the first worker' });
    other = await Replica.start(sys, 'downloader-worker');
    await other.waitConsuming('consuming download jobs');
    const t0 = Date.now();
    const code = await sys.kill('downloader-worker', 'SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(6_000); // 1 s grace, then close: not the 6 s download
    expect(jsonLines(first.output).some((l) => /grace period over/.test(l.msg))).toBe(true);
    expect(finishedBy(first.output)).not.toContain(id);
    expect((await waitAllFinal(sys, [id!], 30_000)).get(id!)).toBe('completed');
    expect(finishedBy(other.output)).toContain(id);
    const job = (await sys.api('GET', `/api/v1/download/${id}`)).body;
    expect(readFileSync(join(sys.storageDir, job.file_info.filepath)).equals(readFileSync(clip))).toBe(true);
  }, 90_000);
});

describe('lifecycle: start without a reachable broker', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: [] });
  }, 30_000);

  afterAll(async () => {
    await unblockVhost(sys.vhost).catch(() => undefined);
    await sys?.stop();
  }, 60_000);

  it('says so clearly, keeps retrying, and becomes ready when the broker lets it in', async () => {
    // the vhost refuses every connection: to the apps, the broker is not there
    await blockVhost(sys.vhost);
    const names: AppName[] = ['gateway', 'downloader-worker', 'webhook-sender'];
    for (const n of names) await sys.startApp(n);
    for (const n of names) {
      await waitFor(() => sys.logsOf(n).some((l) => l.includes('cannot reach RabbitMQ')), { timeoutMs: 30_000, what: `${n}: cannot reach RabbitMQ` });
      const line = jsonLines(sys.logsOf(n)).find((l) => /cannot reach RabbitMQ/.test(l.msg ?? ''))!;
      expect(line).toMatchObject({ level: 'error', service: n, broker: expect.stringContaining('***@127.0.0.1:5672/') });
      expect(JSON.stringify(line)).not.toContain('guest:guest');
    }
    // serving probes, not ready, for a while (the apps keep retrying once a second); the gateway
    // stays ready (its reads work without the broker) and says the broker is down on ?full=1
    const brokerUrl = (n: AppName) => (n === 'gateway' ? `${readyUrl(sys, n)}?full=1` : readyUrl(sys, n));
    for (const n of names) {
      await waitFor(async () => (await probe(brokerUrl(n))).status === 503, { timeoutMs: 30_000, what: `${n} answers 503` });
    }
    await new Promise((r) => setTimeout(r, 3000)); // the outage under test lasts a while
    for (const n of names) {
      expect((await probe(brokerUrl(n))).body.checks.broker).toBe('down');
      expect(sys.apps.get(n)!.child.exitCode).toBeNull();
    }
    expect(await probe(readyUrl(sys, 'gateway'))).toEqual({ status: 200, body: expect.objectContaining({ status: 'degraded' }) });
    const m = await scrape(`http://127.0.0.1:${sys.apps.get('downloader-worker')!.metricsPort}/metrics`);
    expect(valueOf(m.samples, 'mda_broker_connected')).toBe(0);

    const t0 = Date.now();
    await unblockVhost(sys.vhost);
    await sys.waitReady(30_000);
    const seconds = (Date.now() - t0) / 1000;
    expect(seconds).toBeLessThan(15);
    for (const n of names) expect(sys.logsOf(n).some((l) => l.includes('connected to RabbitMQ'))).toBe(true);
    // and it works: a job goes through
    const clip = await makeClip({ seconds: 1, title: 'Late Broker' });
    const media = await serveMedia(mediaRoot());
    try {
      const { id } = await submit(sys, media.urlFor(clip));
      expect((await waitAllFinal(sys, [id!], 30_000)).get(id!)).toBe('completed');
    } finally {
      await media.close();
    }
  }, 120_000);
});
