import type { Socket } from 'node:net';
import amqplib from 'amqplib';
import { EXCHANGES, ROUTING_KEYS } from '@mda/contracts';
import { LocalServer, startLocalServer, waitFor } from '@mda/testing';
import { makeTestClip, serveFiles } from '../support/media-source';
import { TestSystem } from '../support/system';

/** A server on 127.0.0.1 that accepts every request and never answers, until it is closed. */
async function startHangingServer(): Promise<LocalServer & { sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = await startLocalServer(() => undefined);
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return Object.assign(server, { sockets });
}

interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
  ms: number;
}

async function metadata(sys: TestSystem, apiKey: string, url: string, timeoutSec = 60): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${sys.baseUrl}/api/v1/metadata?url=${encodeURIComponent(url)}&timeout_sec=${timeoutSec}`, { headers: { 'x-api-key': apiKey } });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

/**
 * Key A fills its share of the metadata capacity with queries that hang (a local server that never
 * answers); key B's query must still be answered in its usual time, and A's surplus gets 429 at once.
 * Two set-ups: the gateway's own per-key cap (defaults), and a gateway whose cap is above the
 * worker's per-key share (as with several gateway replicas), where the worker refuses the surplus.
 */
describe.each([
  { name: 'the gateway cap (defaults: 4 per key)', gatewayCap: '4', refusedBy: 'gateway' as const },
  { name: 'the worker share (gateway cap 10, worker share 4 of 10 slots)', gatewayCap: '10', refusedBy: 'worker' as const },
])('metadata queries are fair between API keys: $name', ({ gatewayCap, refusedBy }) => {
  let sys: TestSystem;
  let hanging: Awaited<ReturnType<typeof startHangingServer>>;
  let media: LocalServer;
  const keyB = 'key-b-' + Math.random().toString(36).slice(2, 12);

  beforeAll(async () => {
    hanging = await startHangingServer();
    media = await serveFiles({ '/clip.mp4': { body: makeTestClip(1), type: 'video/mp4' } });
    sys = await TestSystem.start({
      apps: ['gateway', 'downloader-worker'],
      env: { API_KEYS: keyB },
      appEnv: { gateway: { QUERY_CONCURRENCY_PER_KEY: gatewayCap }, 'downloader-worker': { QUERY_CONCURRENCY_PER_KEY: '4', WORKER_QUERY_CONCURRENCY: '10' } },
    });
  }, 90_000);

  afterAll(async () => {
    await sys?.stop();
    await hanging?.close();
    await media?.close();
  });

  it("answers key B in its usual time while key A's queries hang, and gives A's surplus 429 at once", async () => {
    const clipUrl = `${media.url}/clip.mp4`;
    const usual = await metadata(sys, keyB, clipUrl);
    expect(usual.status).toBe(200);

    // ten of key A's queries at once, each to a server that never answers
    const a = Array.from({ length: 10 }, (_, i) => metadata(sys, sys.apiKey, `${hanging.url}/hang-${i}.mp4`));
    const settled: Answer[] = [];
    a.forEach((p) => void p.then((r) => settled.push(r)));
    // four hang (A's share); the other six are refused at once
    await waitFor(() => settled.length === 6 && hanging.sockets.size >= 4, { timeoutMs: 15_000, what: 'six refusals and four hanging queries' });
    for (const r of settled) {
      expect(r.status).toBe(429);
      expect(r.body).toEqual({ error: { code: 'too_many_queries', message: expect.any(String) } });
      expect(r.retryAfter).toBe('2');
      expect(r.ms).toBeLessThan(3000);
    }

    // key B: answered normally, within its usual time (< 5 s)
    const b = await metadata(sys, keyB, clipUrl);
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ url: clipUrl, formats: expect.any(Array) });
    expect(b.ms).toBeLessThan(5000);

    // key A's 11th concurrent query: 429 at once
    const eleventh = await metadata(sys, sys.apiKey, `${hanging.url}/hang-10.mp4`);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.code).toBe('too_many_queries');
    expect(eleventh.retryAfter).toBe('2');
    expect(settled).toHaveLength(6); // A's four are still hanging

    const gatewayRefused = await metric(`${sys.baseUrl}/metrics`, 'mda_http_queries_refused_total');
    const workerRefused = await metric(`http://127.0.0.1:${sys.apps.get('downloader-worker')!.metricsPort}/metrics`, 'mda_worker_queries_refused_total');
    if (refusedBy === 'gateway') {
      expect(gatewayRefused).toBe(7);
      expect(workerRefused).toBe(0);
    } else {
      expect(gatewayRefused).toBe(0);
      expect(workerRefused).toBe(7);
    }

    console.log(
      `${refusedBy} refuses: B's metadata ${usual.ms} ms alone, ${b.ms} ms with A's 4 hanging; A's refusals answered in ${Math.max(...settled.map((r) => r.ms))} ms at most`,
    );

    // the hanging server goes away: A's four end (yt-dlp fails on the closed connection)
    for (const s of hanging.sockets) s.destroy();
    const rest = await Promise.all(a);
    expect(rest.filter((r) => r.status === 429)).toHaveLength(6);
    expect(rest.filter((r) => r.status !== 429).every((r) => r.status >= 400)).toBe(true);
  }, 90_000);

  if (refusedBy === 'worker') {
    it("dead-letters a malformed download.cancel on the worker's control queue", async () => {
      const conn = await amqplib.connect(sys.vhost.amqpUrl);
      try {
        const ch = await conn.createConfirmChannel();
        ch.publish(EXCHANGES.control, ROUTING_KEYS.downloadCancel, Buffer.from('{"type":"download.cancel","data":{"request_id":42}}'), { persistent: true });
        await ch.waitForConfirms();
        await waitFor(async () => (await sys.vhost.queueDepth('downloader.control.dead')) === 1, {
          timeoutMs: 10_000,
          what: 'the malformed cancel in downloader.control.dead',
        });
        expect(sys.logsOf('downloader-worker').some((l) => l.includes('malformed message dead-lettered') && l.includes('downloader.control'))).toBe(true);
        expect(sys.apps.get('downloader-worker')!.child.exitCode).toBeNull();
      } finally {
        await conn.close();
      }
    });
  }
});
