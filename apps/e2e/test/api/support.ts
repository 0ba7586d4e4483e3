import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer, readBody, startLocalServer } from '@mda/testing';
import { checkWebhook } from '../support/contract';

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  raw: string;
  body: { event: string; timestamp: string; request_id: string | null; batch_id?: string; data: Record<string, any> };
  at: number;
}

/** A webhook receiver on 127.0.0.1 that keeps every POST. */
export async function startReceiver(): Promise<LocalServer & { received: ReceivedWebhook[] }> {
  const received: ReceivedWebhook[] = [];
  const server = await startLocalServer((req, res) => {
    void readBody(req).then((b) => {
      const raw = b.toString('utf8');
      checkWebhook(req.headers, raw);
      received.push({ headers: req.headers, raw, body: JSON.parse(raw), at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
  });
  return Object.assign(server, { received });
}

export function signatureOk(w: ReceivedWebhook, apiKey: string): boolean {
  const expected = 'sha256=' + createHmac('sha256', apiKey).update(w.raw).digest('hex');
  return w.headers['x-webhook-signature'] === expected;
}

export interface SlowSource extends LocalServer {
  /** Most distinct files being streamed at the same moment (a download may read its file more than once, e.g. a probe). */
  maxInFlight(): number;
  urlFor(name: string): string;
  gets: string[];
}

/**
 * Serves `body` at any `/<name>.mp4`, slowly (`seconds` per response), counting responses in
 * flight: what the batch's concurrency looks like from the source's side.
 */
export async function startSlowSource(body: Buffer, seconds: number, opts: { requireCookie?: string } = {}): Promise<SlowSource> {
  const inFlight = new Map<string, number>();
  let max = 0;
  const gets: string[] = [];
  const server = await startLocalServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (!/^\/[\w-]+\.mp4$/.test(path)) return void res.writeHead(404).end('not found');
    if (opts.requireCookie && !(req.headers.cookie ?? '').includes(opts.requireCookie)) return void res.writeHead(403).end('forbidden');
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
    if (req.method === 'HEAD') return void res.end();
    gets.push(path);
    inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
    max = Math.max(max, inFlight.size);
    const ticks = Math.max(1, Math.round((seconds * 1000) / 50));
    const chunk = Math.ceil(body.length / ticks);
    let off = 0;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      const n = (inFlight.get(path) ?? 1) - 1;
      if (n === 0) inFlight.delete(path);
      else inFlight.set(path, n);
      clearInterval(timer);
    };
    const timer = setInterval(() => {
      if (res.destroyed) return done();
      res.write(body.subarray(off, off + chunk));
      off += chunk;
      if (off >= body.length) {
        done();
        res.end();
      }
    }, 50);
    res.on('close', done);
  });
  return Object.assign(server, { maxInFlight: () => max, urlFor: (n: string) => `${server.url}/${n}.mp4`, gets });
}

/** Most jobs running at one instant, from their started_at / completed_at. */
export function maxOverlap(jobs: Array<{ started_at: string | null; completed_at: string | null }>): number {
  const points = jobs
    .filter((j) => j.started_at && j.completed_at)
    .flatMap((j) => [
      { t: Date.parse(j.started_at as string), d: 1 },
      { t: Date.parse(j.completed_at as string), d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const p of points) max = Math.max(max, (cur += p.d));
  return max;
}
