/**
 * Integration tier: yt-dlp with aria2c (ranged connections) and concurrent HLS fragments, through the real
 * egress proxy, against sources on loopback that throttle every connection.
 * Sources bind 127.0.0.2 (allowlisted); 127.0.0.1 stands for a private address the guard refuses.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { downloadOptionsSchema, DownloadOptions } from '@mda/contracts';
import { EgressPolicy } from '@mda/net-guard';
import { makeClip, makeHls, startThrottledSource, ThrottledSource, waitFor } from '@mda/testing';
import { ProxyEgress } from '../../../egress/proxy-egress';
import { DownloadError } from '../../ports/media-downloader';
import { ParallelTransfer } from './parallel-transfer';
import { liveGroupMembers } from './process-spawner';
import { YtDlpMediaDownloader } from './yt-dlp-media-downloader';
import { RecordingSpawner } from '../../../../test/support/recording-spawner';
import { RecordedDownload, RecordOptions, recordDownload, resultOf } from '../../../../test/support/recorded-download';

const tools = { ytdlpPath: 'yt-dlp', ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
const PARALLEL: ParallelTransfer = { connections: 8, fragments: 8 };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const MIB = 1 << 20;

type Outcome = RecordedDownload & { pid?: number };

let egress: ProxyEgress;
const workDirs: string[] = [];

async function download(
  url: string,
  opts: { transfer?: ParallelTransfer; maxBytes?: number; options?: Partial<DownloadOptions> } & RecordOptions = {},
): Promise<Outcome> {
  const workDir = await mkdtemp(join(tmpdir(), 'mda-parallel-job-'));
  workDirs.push(workDir);
  const spawner = new RecordingSpawner();
  const downloader = new YtDlpMediaDownloader(tools, { spawner, egress, transfer: opts.transfer ?? PARALLEL });
  const job = { requestId: 'req_parallel0001', url, options: downloadOptionsSchema.parse(opts.options ?? {}), workDir, maxBytes: opts.maxBytes ?? 200 * MIB };
  const out: Outcome = await recordDownload(downloader, job, opts);
  out.pid = spawner.pids[0];
  return out;
}

/** Percent and bytes never go back, and the last report is 100 % (of exactly `size` bytes when given). */
function expectMonotonic(o: Outcome, size?: number): void {
  const p = o.progress;
  const back = p.findIndex((x, i) => i > 0 && (x.percent < p[i - 1].percent || x.downloaded_bytes < p[i - 1].downloaded_bytes));
  expect(back < 0 ? 'monotonic' : { before: p[back - 1], after: p[back] }).toBe('monotonic');
  expect(p[p.length - 1]).toMatchObject(size === undefined ? { percent: 100 } : { percent: 100, downloaded_bytes: size });
}

/** aria2c processes working in `dir` (their command line names it). */
function aria2cIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return cmd.includes('aria2c') && cmd.includes(dir) && state !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

let clip: string;
let clipBytes: Buffer;
let source: ThrottledSource;
let noRanges: ThrottledSource;
let secret: ThrottledSource;

beforeAll(async () => {
  egress = await ProxyEgress.start(EgressPolicy.publicOnly('127.0.0.2/32'));
  clip = await makeClip({ seconds: 4, width: 640, height: 360, noise: 40, title: 'Parallel' });
  clipBytes = readFileSync(clip);
  source = await startThrottledSource({ bytesPerSecond: 2 * MIB, latencyMs: 20, host: '127.0.0.2' });
  noRanges = await startThrottledSource({ bytesPerSecond: 8 * MIB, latencyMs: 20, host: '127.0.0.2', ranges: false });
  secret = await startThrottledSource({ bytesPerSecond: 8 * MIB, host: '127.0.0.1' });
  for (const s of [source, noRanges, secret]) s.serve('/clip.mp4', clipBytes, 'video/mp4');
  const slow = await startThrottledSource({ bytesPerSecond: 256 * 1024, host: '127.0.0.2' });
  slow.serve('/clip.mp4', clipBytes, 'video/mp4');
  slowSource = slow;
}, 120_000);

let slowSource: ThrottledSource;

afterAll(async () => {
  await egress.close();
  for (const s of [source, noRanges, secret, slowSource]) await s?.close();
  await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('parallel transfer on the yt-dlp path (real yt-dlp, aria2c, ffmpeg)', () => {
  it('fetches a progressive file over several ranged connections: same bytes, monotonic progress', async () => {
    const before = source.requests.length;
    const o = await download(`${source.url}/clip.mp4`);
    const r = resultOf(o);
    expect(sha256(readFileSync(r.tempPath))).toBe(sha256(clipBytes));
    expectMonotonic(o, clipBytes.length);
    // aria2c's bytes were seen while it worked, not only at the end
    expect(o.progress.some((p) => p.downloaded_bytes > 0 && p.downloaded_bytes < clipBytes.length)).toBe(true);
    const ranged = source.requests.slice(before).filter((q) => q.path === '/clip.mp4' && q.range && !q.range.startsWith('bytes=0-'));
    expect(ranged.length).toBeGreaterThanOrEqual(4);
    expect(await readdir(o.workDir)).toEqual(['media.mp4']);
  }, 60_000);

  it('completes from a server that ignores Range, over one connection', async () => {
    const o = await download(`${noRanges.url}/clip.mp4`);
    expect(sha256(readFileSync(resultOf(o).tempPath))).toBe(sha256(clipBytes));
    expectMonotonic(o, clipBytes.length);
  }, 60_000);

  it('stops every connection within 2 s on cancel, leaving no files and no aria2c', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const done = download(`${slowSource.url}/clip.mp4`, {
      controller,
      onProgress: (p) => {
        if (p.downloaded_bytes > 0 && !abortedAt) {
          abortedAt = Date.now();
          controller.abort(new DownloadError('cancelled', 'Cancelled by request'));
        }
      },
    });
    const o = await done;
    const stoppedIn = Date.now() - abortedAt;
    expect(o.error?.code).toBe('cancelled');
    expect(abortedAt).toBeGreaterThan(0);
    expect(stoppedIn).toBeLessThan(2000);
    expect(liveGroupMembers(o.pid as number)).toEqual([]);
    expect(aria2cIn(o.workDir)).toEqual([]);
    expect(await readdir(o.workDir)).toEqual([]);
    await waitFor(() => slowSource.active() === 0, { timeoutMs: 5_000, what: 'the source to see every connection closed' });
  }, 60_000);

  it('holds MAX_FILE_SIZE_MB across connections, while they download', async () => {
    // 8 connections at 256 KiB/s: the limit is crossed after about 1.5 s, the whole file would take 6 s
    const o = await download(`${slowSource.url}/clip.mp4`, { maxBytes: 3 * MIB });
    expect(o.error?.code).toBe('too_large');
    expect(o.error?.message).toMatch(/received/); // counted while downloading, not refused from an announced size
    expect(Math.max(...o.progress.map((p) => p.downloaded_bytes))).toBeLessThan(clipBytes.length);
    expect(o.logs.some((l) => l.startsWith('DONE'))).toBe(false);
    expect(await readdir(o.workDir)).toEqual([]);
    expect(aria2cIn(o.workDir)).toEqual([]);
  }, 60_000);

  it('refuses a private address reached by a ranged connection (a redirect), whatever the other connections did', async () => {
    const path = '/redirected.mp4';
    source.serve(path, clipBytes, 'video/mp4');
    source.redirectRanged(path, `${secret.url}/clip.mp4`);
    const o = await download(`${source.url}${path}`);
    // the first connection was served; the refused address was reached only by the ranged ones
    expect(source.requests.filter((q) => q.path === path && q.range && !q.range.startsWith('bytes=0-')).length).toBeGreaterThan(0);
    expect(o.error).toMatchObject({ code: 'forbidden_address' });
    expect(o.error?.message).toMatch(/127\.0\.0\.1/);
    expect(secret.requests).toEqual([]);
    expect(await readdir(o.workDir)).toEqual([]);
  }, 60_000);

  describe('HLS', () => {
    let hls: ThrottledSource;
    let index: string;
    beforeAll(async () => {
      index = await makeHls(clip);
      hls = await startThrottledSource({ bytesPerSecond: 2 * MIB, latencyMs: 20, host: '127.0.0.2' });
      const dir = dirname(index);
      for (const f of readdirSync(dir)) hls.serve(`/${f}`, readFileSync(join(dir, f)), f.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
      // the same playlist with its last segment on the refused address
      const segments = readFileSync(index, 'utf8').split('\n');
      const last = segments
        .map((l, i) => [l, i] as const)
        .filter(([l]) => l.endsWith('.ts'))
        .pop() as readonly [string, number];
      segments[last[1]] = `${secret.url}/${last[0]}`;
      hls.serve('/leaky.m3u8', Buffer.from(segments.join('\n')), 'application/vnd.apple.mpegurl');
    }, 60_000);
    afterAll(() => hls.close());

    it('fetches fragments concurrently: the same file as one fragment at a time, monotonic progress', async () => {
      const serial = await download(`${hls.url}/index.m3u8`, { transfer: { connections: 1, fragments: 1 } });
      const parallel = await download(`${hls.url}/index.m3u8`);
      const bytes = readFileSync(resultOf(parallel).tempPath);
      expect(sha256(bytes)).toBe(sha256(readFileSync(resultOf(serial).tempPath)));
      expectMonotonic(parallel);
      expect(parallel.progress.some((p) => p.percent > 0 && p.percent < 100)).toBe(true);
    }, 90_000);

    it('refuses a segment on a private address', async () => {
      const o = await download(`${hls.url}/leaky.m3u8`);
      expect(o.error).toMatchObject({ code: 'forbidden_address' });
      expect(secret.requests).toEqual([]);
      expect(await readdir(o.workDir)).toEqual([]);
    }, 60_000);
  });
});
