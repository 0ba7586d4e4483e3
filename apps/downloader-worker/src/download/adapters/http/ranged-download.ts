import { writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GuardedHttpClient, NetError } from '@mda/net-guard';

/** Below this a file is fetched over one connection: more would only add requests. */
export const MIN_PART_BYTES = 1 << 20;

/** One byte range `[start, end)` of the file and the connection that fetches it. */
export interface Part {
  start: number;
  end: number;
}

/** `total` bytes in up to `connections` equal parts of at least MIN_PART_BYTES (the last takes the remainder). */
export function splitIntoParts(total: number, connections: number, minPart = MIN_PART_BYTES): Part[] {
  const count = Math.max(1, Math.min(Math.floor(connections), Math.floor(total / minPart)));
  const size = Math.floor(total / count);
  return Array.from({ length: count }, (_, i) => ({ start: i * size, end: i === count - 1 ? total : (i + 1) * size }));
}

export interface RangedDownload {
  http: GuardedHttpClient;
  /** The URL the first response came from (after redirects): every part asks it for its range. */
  url: URL;
  /** The first response's unread body: the whole file, from byte 0. */
  firstBody: Readable;
  total: number;
  connections: number;
  path: string;
  timeoutMs: number;
  signal: AbortSignal;
  /**
   * Called for every chunk before it is written (may throw to stop everything, as the size limit
   * does); `headBytes` is how much of the file is already on disk without a gap from byte 0.
   */
  onChunk(bytes: number, headBytes: number): void;
  onLog(line: string): void;
}

/** A ranged request the server did not answer with exactly the range asked for. */
class RangeRefused extends Error {}

/**
 * Fetches a file over several connections, each a byte range written at its offset. The first
 * response (already open) keeps the first part; the others are asked for with `Range`. When any
 * of them is not answered with exactly its range (a server that ignores ranges answers 200 with
 * the whole file), they are dropped and the first connection fetches the whole file. Every part
 * goes through the guarded client, so the egress policy checks each connection and redirect;
 * a refused one fails the download.
 */
export async function downloadRanged(d: RangedDownload): Promise<{ connections: number }> {
  const parts = splitIntoParts(d.total, d.connections);
  const stop = new AbortController();
  const signal = AbortSignal.any([d.signal, stop.signal]);
  const others = await Promise.allSettled(parts.slice(1).map((p) => openPart(d, p, signal)));
  const failed = others.find((r) => r.status === 'rejected' && !(r.reason instanceof RangeRefused));
  const bodies = others.map((r) => (r.status === 'fulfilled' ? r.value : null));
  if (failed || bodies.includes(null)) {
    for (const b of bodies) b?.destroy();
    if (failed) {
      d.firstBody.destroy();
      throw (failed as PromiseRejectedResult).reason;
    }
    d.onLog('the server does not answer ranged requests: one connection');
    parts.splice(1);
    parts[0].end = d.total;
  } else if (parts.length > 1) {
    d.onLog(`fetching ${d.total} bytes over ${parts.length} connections`);
  }
  const file = await open(d.path, 'w').catch((err: unknown) => {
    d.firstBody.destroy();
    for (const b of bodies) b?.destroy();
    throw err;
  });
  const received = parts.map(() => 0);
  try {
    const streams = [d.firstBody, ...bodies.slice(0, parts.length - 1)] as Readable[];
    await Promise.all(
      streams.map((body, i) =>
        pump(body, parts[i], file.fd, signal, (n) => {
          d.onChunk(n, received[0]);
          received[i] += n;
        }).catch((err: unknown) => {
          stop.abort(err); // one part failed: the others stop too
          throw err;
        }),
      ),
    );
  } finally {
    for (const b of [d.firstBody, ...bodies]) b?.destroy();
    await file.close();
  }
  return { connections: parts.length };
}

async function openPart(d: RangedDownload, part: Part, signal: AbortSignal): Promise<Readable> {
  const res = await d.http.stream({
    url: d.url.href,
    headers: { range: `bytes=${part.start}-${part.end - 1}` },
    timeoutMs: d.timeoutMs,
    signal,
    followRedirects: 5,
  });
  const expected = `bytes ${part.start}-${part.end - 1}/${d.total}`;
  if (res.statusCode !== 206 || String(res.headers['content-range'] ?? '') !== expected) {
    res.body.destroy();
    throw new RangeRefused(`HTTP ${res.statusCode} ${String(res.headers['content-range'] ?? '')}`);
  }
  return res.body;
}

/** Writes a body at its part's offset until the part is complete; more bytes than that are not read. */
async function pump(body: Readable, part: Part, fd: number, signal: AbortSignal, onChunk: (n: number) => void): Promise<void> {
  let pos = part.start;
  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      body.on('data', (chunk: Buffer) => {
        try {
          const take = chunk.subarray(0, part.end - pos);
          onChunk(take.length);
          for (let off = 0; off < take.length;) off += writeSync(fd, take, off, take.length - off, pos + off);
          pos += take.length;
          if (pos >= part.end) {
            resolve();
            body.destroy(); // the rest belongs to other parts (a first response carries the whole file)
          }
        } catch (err) {
          reject(err);
          body.destroy(err as Error);
        }
      });
      finished(body).then(
        () =>
          pos >= part.end
            ? resolve()
            : reject(new NetError('network_error', `the connection closed after ${pos - part.start} of ${part.end - part.start} bytes`)),
        (err: unknown) => (pos >= part.end ? resolve() : reject(err)),
      );
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
