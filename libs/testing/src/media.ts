import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { LocalServer, startLocalServer } from './http-server';

/**
 * Test media made with ffmpeg and served on 127.0.0.1. Files are small and short (tests stay fast)
 * and made once per process: every factory caches by its options in one temp folder.
 */

const run = promisify(execFile);
const FFMPEG = process.env['FFMPEG_PATH'] ?? 'ffmpeg';
const cache = new Map<string, Promise<string>>();
let root: string | null = null;

/** The process's media folder: serve it with `serveMedia(mediaRoot())`. */
export function mediaRoot(): string {
  if (!root) {
    const dir = mkdtempSync(join(tmpdir(), 'mda-media-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    root = dir;
  }
  return root;
}

function once(name: string, make: (out: string) => Promise<void>): Promise<string> {
  const out = join(mediaRoot(), name);
  let made = cache.get(out);
  if (!made) {
    made = make(out).then(() => out);
    cache.set(out, made);
  }
  return made;
}

const ffmpeg = (args: string[]) => run(FFMPEG, ['-v', 'error', '-y', ...args], { timeout: 60_000 });
const key = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 10);

export interface ClipOptions {
  seconds?: number;
  width?: number;
  height?: number;
  title?: string;
  /** Strength of random noise over the picture (0–100): noise does not compress, so the file is large (about 3 MiB/s at 640x360 and 40). */
  noise?: number;
}

/** An H.264/AAC mp4 with a title tag and a keyframe every second (so HLS/DASH can cut 1 s segments). */
export function makeClip(opts: ClipOptions = {}): Promise<string> {
  const { seconds = 3, width = 320, height = 240, title = 'Test Clip', noise = 0 } = opts;
  return once(`clip-${key([seconds, width, height, title, noise])}.mp4`, (out) =>
    ffmpeg([
      ...['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440'],
      ...(noise > 0 ? ['-vf', `noise=alls=${noise}:allf=t`] : []),
      ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '64k', '-metadata', `title=${title}`, '-movflags', '+faststart', out],
    ]).then(() => undefined),
  );
}

/** An HLS VOD rendition of a clip, 1 s segments: returns the path of its `index.m3u8`. */
export async function makeHls(clipPath: string): Promise<string> {
  const dir = await once(`hls-${key(clipPath)}`, async (out) => {
    mkdirSync(out, { recursive: true });
    await ffmpeg(['-i', clipPath, '-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', join(out, 'index.m3u8')]);
  });
  return join(dir, 'index.m3u8');
}

export interface SeparateStreams {
  /** Video only. */
  videoPath: string;
  /** Audio only. */
  audioPath: string;
  /**
   * A DASH manifest offering the two as separate formats. yt-dlp's generic extractor sees one
   * format per direct file, so a manifest is the local way to make it pick video + audio and merge.
   */
  manifestPath: string;
}

export async function makeSeparateStreams(opts: ClipOptions = {}): Promise<SeparateStreams> {
  const clip = await makeClip(opts);
  const dir = await once(`dash-${key(clip)}`, async (out) => {
    mkdirSync(out, { recursive: true });
    await ffmpeg(['-i', clip, '-map', '0:v', '-c', 'copy', join(out, 'video.mp4')]);
    await ffmpeg(['-i', clip, '-map', '0:a', '-c', 'copy', join(out, 'audio.m4a')]);
    await ffmpeg([
      ...['-i', join(out, 'video.mp4'), '-i', join(out, 'audio.m4a'), '-map', '0:v', '-map', '1:a', '-c', 'copy'],
      ...['-f', 'dash', '-seg_duration', '1', join(out, 'manifest.mpd')],
    ]);
  });
  return { videoPath: join(dir, 'video.mp4'), audioPath: join(dir, 'audio.m4a'), manifestPath: join(dir, 'manifest.mpd') };
}

export interface RssItem {
  title: string;
  /** The enclosure's absolute URL. */
  url: string;
  type?: string;
  length?: number;
  published?: Date;
}

/** An RSS 2.0 feed with media enclosures: yt-dlp's generic extractor reads it as a playlist. */
export function makeRssFeed(items: RssItem[], opts: { title?: string; link?: string } = {}): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const entries = items.map(
    (it, i) => `    <item>
      <title>${esc(it.title)}</title>
      <guid isPermaLink="false">item-${i + 1}</guid>
      <pubDate>${(it.published ?? new Date(Date.UTC(2024, 0, i + 1))).toUTCString()}</pubDate>
      <enclosure url="${esc(it.url)}" type="${esc(it.type ?? 'video/mp4')}" length="${it.length ?? 0}"/>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>${esc(opts.title ?? 'Test Feed')}</title>
    <link>${esc(opts.link ?? 'http://127.0.0.1/')}</link>
    <description>Test media feed</description>
${entries.join('\n')}
  </channel>
</rss>
`;
}

export interface MediaServerOptions {
  /** Throttle every response body to about this many bytes per second (slow-source tests). */
  bytesPerSecond?: number;
  /** Send bodies chunked, without Content-Length (a source that announces no size). */
  omitContentLength?: boolean;
}

export interface MediaServer extends LocalServer {
  /** The URL of a file in the served folder (absolute path or relative to it). */
  urlFor(path: string): string;
  /** Serves `body` at `path` (e.g. an RSS feed that needs the server's own URL). */
  setRoute(path: string, body: string, contentType: string): void;
  /** Paths requested so far. */
  readonly requests: string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.m4s': 'video/iso.segment',
  '.mp3': 'audio/mpeg',
  '.webm': 'video/webm',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mpd': 'application/dash+xml',
  '.xml': 'application/rss+xml',
  '.html': 'text/html; charset=utf-8',
};
/** A page without media: yt-dlp answers "Unsupported URL". */
export const HTML_PAGE_PATH = '/page.html';
const HTML_PAGE = '<!doctype html><html><head><title>Nothing here</title></head><body><p>No media on this page.</p></body></html>';

/** Serves `dir` on 127.0.0.1 with Range support, real Content-Types, 404 for unknown paths, and an HTML page. */
export async function serveMedia(dir: string, opts: MediaServerOptions = {}): Promise<MediaServer> {
  const base = resolve(dir);
  const routes = new Map<string, { body: string; contentType: string }>([[HTML_PAGE_PATH, { body: HTML_PAGE, contentType: CONTENT_TYPES['.html'] }]]);
  const requests: string[] = [];
  const local = await startLocalServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const route = routes.get(path);
    if (route) return void send(res, req, Buffer.from(route.body), route.contentType, opts);
    const file = resolve(base, `.${path}`);
    if (!file.startsWith(base + sep)) return void notFound(res);
    serveFile(req, res, file, opts).catch(() => notFound(res));
  });
  return {
    ...local,
    requests,
    urlFor: (p) => `${local.url}/${relative(base, resolve(base, p)).split(sep).map(encodeURIComponent).join('/')}`,
    setRoute: (p, body, contentType) => void routes.set(p, { body, contentType }),
  };
}

async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, opts: MediaServerOptions): Promise<void> {
  const size = (await stat(file)).size;
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range) {
    start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  res.setHeader('Accept-Ranges', 'bytes');
  if (!opts.bytesPerSecond) {
    res.setHeader('Content-Type', type);
    if (!opts.omitContentLength) res.setHeader('Content-Length', end - start + 1);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  send(res, req, (await readFile(file)).subarray(start, end + 1), type, opts);
}

/** Writes `body`, throttled when asked: small slices every 50 ms until done or the client goes away. */
function send(res: ServerResponse, req: IncomingMessage, body: Buffer, type: string, opts: MediaServerOptions): void {
  res.setHeader('Content-Type', type);
  if (!opts.omitContentLength) res.setHeader('Content-Length', body.length);
  if (req.method === 'HEAD') return void res.end();
  if (!opts.bytesPerSecond) return void res.end(body);
  const slice = Math.max(1, Math.floor(opts.bytesPerSecond / 20));
  let offset = 0;
  const tick = () => {
    if (res.destroyed) return;
    res.write(body.subarray(offset, offset + slice));
    offset += slice;
    if (offset >= body.length) return void res.end();
    setTimeout(tick, 50);
  };
  tick();
}

function notFound(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
}
