import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LocalServer, readBody, startLocalServer } from '@mda/testing';
import { checkWebhook } from '../../support/contract';

/** One request the receiver got. Times are performance.now() milliseconds. */
export interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  arrivedAt: number;
  /** When the answer was sent or the sender gave up (closed the connection). */
  endedAt?: number;
  status?: number;
}

/** What to answer: a status (with headers and body), or `hang` to never answer (a timeout). */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** Decides the answer from the request and how many requests its path had before it. */
export type Script = (hit: Hit, previousHits: number) => Reply;

const OK: Script = () => ({ status: 200, body: '{"status":"ok"}' });

/** A webhook receiver on 127.0.0.1 (or another loopback address) that records every request and answers as scripted. */
export class TestReceiver {
  readonly hits: Hit[] = [];
  private readonly routes = new Map<string, Script>();
  private server?: LocalServer;

  /** Every path answers 200 until `route` scripts it. */
  static async start(host = '127.0.0.1'): Promise<TestReceiver> {
    const r = new TestReceiver();
    r.server = await startLocalServer((req, res) => {
      const arrivedAt = performance.now();
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      void readBody(req).then((body) => {
        const previous = r.hits.filter((h) => h.path === path).length;
        const hit: Hit = { path, headers: req.headers, body, arrivedAt };
        checkWebhook(req.headers, body);
        r.hits.push(hit);
        res.on('close', () => (hit.endedAt ??= performance.now()));
        const reply = (r.routes.get(path) ?? OK)(hit, previous);
        if (reply === 'hang') return;
        hit.status = reply.status;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body ?? '{}', () => (hit.endedAt = performance.now()));
      });
    }, host);
    return r;
  }

  url(path: string): string {
    if (!this.server) throw new Error('receiver not started');
    return `${this.server.url}${path}`;
  }

  on(path: string): Hit[] {
    return this.hits.filter((h) => h.path === path);
  }

  /** Scripts the answers on one path; returns its URL. */
  route(path: string, script: Script): string {
    this.routes.set(path, script);
    return this.url(path);
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }
}

/** When an attempt ended (NaN if it has not). */
export function endOf(h: Hit): number {
  return h.endedAt ?? Number.NaN;
}

/** Gaps in ms from the end of each attempt to the arrival of the next. */
export function gaps(hits: Hit[]): number[] {
  return hits.slice(1).map((h, i) => h.arrivedAt - (hits[i].endedAt ?? hits[i].arrivedAt));
}
