import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer, startLocalServer } from './http-server';

export interface ThrottledSourceOptions {
  /** Bytes per second of each response (each connection), like a video site's per-connection cap. */
  bytesPerSecond: number;
  /** Added before every response starts. */
  latencyMs?: number;
  /** false: Range is ignored (200 with the whole file, no Accept-Ranges). Default true. */
  ranges?: boolean;
  /** Send `Accept-Ranges: bytes` even when `ranges` is false (a server that claims ranges and ignores them). */
  claimRanges?: boolean;
  /** A 127.x address (default 127.0.0.1). */
  host?: string;
}

export interface ThrottledSource extends LocalServer {
  /** Serves `body` at `path`. */
  serve(path: string, body: Buffer, contentType: string): void;
  /** Requests for `path` that carry a Range header are redirected to `location` (the first, unranged one is served). */
  redirectRanged(path: string, location: string): void;
  /** Every request so far, with its Range header. */
  readonly requests: Array<{ path: string; range: string | null }>;
  /** Responses still sending a body. */
  active(): number;
}

const TICK_MS = 20;

/** A media source on loopback that throttles every connection on its own, with optional ranges. */
export async function startThrottledSource(opts: ThrottledSourceOptions): Promise<ThrottledSource> {
  const files = new Map<string, { body: Buffer; contentType: string }>();
  const redirects = new Map<string, string>();
  const requests: ThrottledSource['requests'] = [];
  let active = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range ?? null;
    requests.push({ path, range });
    const redirect = redirects.get(path);
    if (redirect && range) return void res.writeHead(302, { location: redirect }).end();
    const file = files.get(path);
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const size = file.body.length;
    let [start, end] = [0, size - 1];
    const m = opts.ranges === false ? null : /^bytes=(\d*)-(\d*)$/.exec(range ?? '');
    if (m) {
      start = m[1] ? Number(m[1]) : Math.max(0, size - Number(m[2]));
      end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      if (start > end) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${end}/${size}`);
    }
    if (opts.ranges !== false || opts.claimRanges) res.setHeader('accept-ranges', 'bytes');
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-length', end - start + 1);
    if (req.method === 'HEAD') return void res.end();
    const body = file.body.subarray(start, end + 1);
    const slice = Math.max(1, Math.floor((opts.bytesPerSecond * TICK_MS) / 1000));
    let offset = 0;
    active++;
    let counted = true;
    const done = () => {
      if (counted) active--;
      counted = false;
    };
    res.on('close', done);
    const tick = () => {
      if (res.destroyed) return done();
      res.write(body.subarray(offset, offset + slice));
      offset += slice;
      if (offset >= body.length) return void res.end();
      setTimeout(tick, TICK_MS);
    };
    setTimeout(tick, opts.latencyMs ?? 0);
  };
  const local = await startLocalServer(handle, opts.host);
  return {
    ...local,
    requests,
    serve: (path, body, contentType) => void files.set(path, { body, contentType }),
    redirectRanged: (path, location) => void redirects.set(path, location),
    active: () => active,
  };
}
