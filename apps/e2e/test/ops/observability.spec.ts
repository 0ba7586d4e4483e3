import { statSync } from 'node:fs';
import amqplib from 'amqplib';
import { EXCHANGES, ROUTING_KEYS } from '@mda/contracts';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { AppName, TestSystem } from '../support/system';
import { jsonLines, submit, waitAllFinal } from '../faults/support/jobs';
import { Receiver } from '../faults/support/receiver';
import { Sample, has, scrape, valueOf } from './support/metrics';

const COOKIE_KEY = 'a1b2c3d4'.repeat(8);
const COOKIE_SECRET = 'session-secret-9c1e77';
const NETSCAPE = `# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t${COOKIE_SECRET}\n`;
const APPS: AppName[] = ['gateway', 'downloader-worker', 'webhook-sender'];

/** Metrics and logs of the three built apps after real downloads with webhooks (one system for both). */
describe('operations: metrics and logs of every app', () => {
  let sys: TestSystem;
  let receiver: Receiver;
  let media: MediaServer;
  let clip: string;
  let ids: string[] = [];
  const scraped: Partial<Record<AppName, Sample[]>> = {};
  const texts: Partial<Record<AppName, string>> = {};
  let activeSeen = 0;

  const metricsUrl = (name: AppName) => (name === 'gateway' ? `${sys.baseUrl}/metrics` : `http://127.0.0.1:${sys.apps.get(name)!.metricsPort}/metrics`);

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { LOG_LEVEL: 'debug', COOKIE_ENCRYPTION_KEY: COOKIE_KEY, WEBHOOK_MAX_RETRIES: '2' } });
    receiver = await Receiver.start(sys.apiKey);
    clip = await makeClip({ seconds: 3, title: 'Ops Clip' });
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 2.5) });

    const cookies = await sys.api('POST', '/api/v1/cookies', { name: 'ops', cookies: NETSCAPE });
    expect(cookies.status).toBe(201);
    receiver.failNext = 1; // the first attempt fails: a retry through the 1 s tier
    const plain = await submit(sys, media.urlFor(clip), receiver.url);
    const withCookies = await sys.api('POST', '/api/v1/download', { url: media.urlFor(clip), cookies_id: cookies.body.id, webhook_url: receiver.url });
    expect(withCookies.status).toBe(202);
    const dead = await submit(sys, media.urlFor(clip), receiver.url.replace('/webhook', '/gone'));
    ids = [plain.id!, withCookies.body.request_id, dead.id!];
    // the worker's gauge while downloads run
    await waitFor(async () => (activeSeen = valueOf((await scrape(metricsUrl('downloader-worker'))).samples, 'mda_active_downloads')) > 0, {
      timeoutMs: 15_000,
      what: 'mda_active_downloads > 0 during the downloads',
    });
    await waitAllFinal(sys, ids, 60_000);
    await waitFor(() => ids.slice(0, 2).every((id) => receiver.delivered().some((r) => r.requestId === id && r.event === 'download.completed')), {
      timeoutMs: 30_000,
      what: 'completed webhooks',
    });
    // a malformed message on each consumer's queue, to move the rejected counters
    const conn = await amqplib.connect(sys.vhost.amqpUrl);
    const ch = await conn.createConfirmChannel();
    ch.publish(EXCHANGES.events, ROUTING_KEYS.downloadStarted, Buffer.from('{"not":"an envelope"}'), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    await waitFor(
      async () => {
        for (const name of APPS) {
          const r = await scrape(metricsUrl(name));
          scraped[name] = r.samples;
          texts[name] = r.text;
          expect(r.contentType).toMatch(/^text\/plain/);
        }
        return (
          valueOf(scraped['webhook-sender']!, 'mda_webhook_dead_letters_total') >= 1 &&
          valueOf(scraped['webhook-sender']!, 'mda_messages_rejected_total') >= 1 &&
          valueOf(scraped.gateway!, 'mda_messages_rejected_total') >= 1
        );
      },
      { timeoutMs: 20_000, what: 'dead letter and rejected counters' },
    );
  }, 150_000);

  afterAll(async () => {
    await receiver?.close();
    await media?.close();
    await sys?.stop();
  }, 60_000);

  it('gateway: HTTP requests by route pattern and status, publishes, consumes, broker up', () => {
    const g = scraped.gateway!;
    expect(valueOf(g, 'mda_http_requests_total', { method: 'POST', route: '/api/v1/download', status: '202' })).toBe(3);
    expect(valueOf(g, 'mda_http_requests_total', { method: 'POST', route: '/api/v1/cookies', status: '201' })).toBe(1);
    expect(valueOf(g, 'mda_http_requests_total', { method: 'GET', route: '/api/v1/download/:request_id', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(valueOf(g, 'mda_http_request_duration_seconds_count', { route: '/api/v1/download' })).toBe(3);
    expect(valueOf(g, 'mda_http_request_duration_seconds_bucket', { route: '/api/v1/download', le: '+Inf' })).toBe(3);
    expect(valueOf(g, 'mda_messages_published_total', { exchange: EXCHANGES.commands, routing_key: ROUTING_KEYS.downloadRequested, result: 'confirmed' })).toBe(
      3,
    );
    expect(valueOf(g, 'mda_messages_consumed_total', { queue: 'gateway.download-events', outcome: 'ack' })).toBeGreaterThanOrEqual(6);
    expect(valueOf(g, 'mda_messages_rejected_total', { queue: 'gateway.download-events' })).toBe(1);
    expect(valueOf(g, 'mda_broker_connected')).toBe(1);
    expect(has(g, 'process_cpu_seconds_total')).toBe(true);
  });

  it('worker: jobs by outcome, duration, bytes, active downloads, messages', () => {
    const w = scraped['downloader-worker']!;
    expect(valueOf(w, 'mda_jobs_total', { outcome: 'completed' })).toBe(3);
    expect(valueOf(w, 'mda_download_duration_seconds_count', { outcome: 'completed' })).toBe(3);
    expect(valueOf(w, 'mda_download_duration_seconds_sum', { outcome: 'completed' })).toBeGreaterThan(3); // throttled: about 2.5 s each
    expect(valueOf(w, 'mda_download_bytes_total')).toBeGreaterThanOrEqual(3 * statSync(clip).size * 0.9);
    expect(activeSeen).toBeGreaterThanOrEqual(1);
    expect(valueOf(w, 'mda_active_downloads')).toBe(0);
    expect(valueOf(w, 'mda_messages_consumed_total', { queue: 'downloader.jobs', outcome: 'ack' })).toBe(3);
    expect(valueOf(w, 'mda_messages_published_total', { exchange: EXCHANGES.events, routing_key: ROUTING_KEYS.downloadStarted })).toBe(3);
    expect(valueOf(w, 'mda_messages_published_total', { exchange: EXCHANGES.events, routing_key: ROUTING_KEYS.downloadCompleted })).toBe(3);
    expect(valueOf(w, 'mda_broker_connected')).toBe(1);
  });

  it('sender: attempts by outcome, latency, retries by tier, dead letters, messages', () => {
    const s = scraped['webhook-sender']!;
    expect(valueOf(s, 'mda_webhook_attempts_total', { outcome: 'delivered' })).toBeGreaterThanOrEqual(4);
    expect(valueOf(s, 'mda_webhook_attempts_total', { outcome: 'retrying' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(s, 'mda_webhook_attempts_total', { event: 'download.completed', outcome: 'delivered' })).toBe(2);
    expect(valueOf(s, 'mda_webhook_retries_total', { tier: '1s' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(s, 'mda_webhook_dead_letters_total')).toBeGreaterThanOrEqual(2); // the /gone job's started and completed
    expect(valueOf(s, 'mda_webhook_delivery_latency_seconds_count')).toBe(valueOf(s, 'mda_webhook_attempts_total', { outcome: 'delivered' }));
    // first attempts come straight from the intake; webhooks.deliver carries the retries only
    expect(valueOf(s, 'mda_messages_consumed_total', { queue: 'webhook-sender.download-events', outcome: 'ack' })).toBeGreaterThanOrEqual(6);
    expect(valueOf(s, 'mda_messages_consumed_total', { queue: 'webhooks.deliver', outcome: 'ack' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(s, 'mda_messages_published_total', { routing_key: 'webhook.attempted.batch', result: 'confirmed' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(s, 'mda_messages_rejected_total', { queue: 'webhook-sender.download-events' })).toBe(1);
    expect(valueOf(s, 'mda_broker_connected')).toBe(1);
  });

  it('no label value carries a URL, a request id, a key or a secret', () => {
    for (const name of APPS) {
      for (const s of scraped[name]!) {
        for (const v of Object.values(s.labels)) {
          expect(v).not.toMatch(/^https?:|127\.0\.0\.1|req_[a-z0-9]{12}|msg_[a-z0-9]{12}/);
          expect(v).not.toContain(sys.apiKey);
        }
      }
      expect(texts[name]).not.toContain(sys.apiKey);
      expect(texts[name]).not.toContain(COOKIE_SECRET);
    }
  });

  it('every app logs JSON lines only, with request_id, event and attempt where they apply', () => {
    for (const name of APPS) {
      const lines = jsonLines(sys.logsOf(name));
      expect(lines.length).toBeGreaterThan(3);
      expect(lines.filter((l) => 'raw' in l)).toEqual([]);
      for (const l of lines) expect(l).toMatchObject({ level: expect.any(String), time: expect.any(String), service: name });
    }
    const [plain] = ids;
    const gw = jsonLines(sys.logsOf('gateway'));
    expect(gw.some((l) => l.request_id === plain && l.event === 'download.requested')).toBe(true);
    expect(gw.some((l) => l.event === 'http.request' && l.route === '/api/v1/download' && l.status_code === 202)).toBe(true);
    const worker = jsonLines(sys.logsOf('downloader-worker'));
    expect(worker.some((l) => l.request_id === plain && l.event === 'download.started')).toBe(true);
    expect(worker.some((l) => l.request_id === plain && l.event === 'download.completed')).toBe(true);
    const sender = jsonLines(sys.logsOf('webhook-sender'));
    expect(sender.some((l) => l.request_id === plain && l.event === 'download.started' && l.attempt === 1)).toBe(true);
    expect(sender.some((l) => l.attempt === 2 && /delivered/.test(l.msg))).toBe(true);
  });

  it('no log line of any app contains the API key or the cookies text (at LOG_LEVEL=debug)', () => {
    let total = 0;
    for (const name of APPS) {
      const out = sys.logsOf(name);
      total += out.length;
      expect(out.filter((l) => l.includes(sys.apiKey))).toEqual([]);
      expect(out.filter((l) => l.includes(COOKIE_SECRET) || l.includes('Netscape HTTP Cookie File'))).toEqual([]);
    }
    expect(total).toBeGreaterThan(30);
    // the cookies job did run with them (yt-dlp path), so the secret was really in play
    expect(jsonLines(sys.logsOf('downloader-worker')).some((l) => l.request_id === ids[1] && l.event === 'download.completed')).toBe(true);
  });
});
