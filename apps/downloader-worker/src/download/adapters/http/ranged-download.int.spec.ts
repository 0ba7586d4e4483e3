/**
 * Integration tier: direct files fetched in ranged parts over several connections with the real guarded
 * client, from sources on loopback that throttle every connection. Sources bind 127.0.0.2
 * (allowlisted); 127.0.0.1 stands for a private address the guard refuses.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadOptionsSchema } from '@mda/contracts';
import { EgressPolicy, GuardedHttpClient } from '@mda/net-guard';
import { makeClip, startThrottledSource, ThrottledSource, waitFor } from '@mda/testing';
import { DownloadError } from '../../ports/media-downloader';
import { FfprobeMediaProbe } from '../ffprobe-media-probe';
import { HttpMediaDownloader } from './http-media-downloader';
import { splitIntoParts } from './ranged-download';
import { RecordedDownload, RecordOptions, recordDownload, resultOf } from '../../../../test/support/recorded-download';

const MIB = 1 << 20;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const http = new GuardedHttpClient({ policy: EgressPolicy.publicOnly('127.0.0.2/32'), connections: 16 });
const workDirs: string[] = [];

let clip: Buffer;
let source: ThrottledSource;
let slow: ThrottledSource;
let noRanges: ThrottledSource;
let claimsRanges: ThrottledSource;
let secret: ThrottledSource;

beforeAll(async () => {
  clip = readFileSync(await makeClip({ seconds: 4, width: 640, height: 360, noise: 40, title: 'Parallel' }));
  source = await startThrottledSource({ bytesPerSecond: 2 * MIB, latencyMs: 20, host: '127.0.0.2' });
  slow = await startThrottledSource({ bytesPerSecond: 256 * 1024, host: '127.0.0.2' });
  noRanges = await startThrottledSource({ bytesPerSecond: 8 * MIB, latencyMs: 20, host: '127.0.0.2', ranges: false });
  claimsRanges = await startThrottledSource({ bytesPerSecond: 8 * MIB, latencyMs: 20, host: '127.0.0.2', ranges: false, claimRanges: true });
  secret = await startThrottledSource({ bytesPerSecond: 8 * MIB, host: '127.0.0.1' });
  for (const s of [source, slow, noRanges, claimsRanges, secret]) s.serve('/clip.mp4', clip, 'video/mp4');
}, 60_000);

afterAll(async () => {
  for (const s of [source, slow, noRanges, claimsRanges, secret]) await s?.close();
  await http.close();
  await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function download(url: string, opts: { maxBytes?: number } & RecordOptions = {}): Promise<RecordedDownload> {
  const workDir = await mkdtemp(join(tmpdir(), 'mda-ranged-'));
  workDirs.push(workDir);
  const downloader = new HttpMediaDownloader(http, new FfprobeMediaProbe('ffprobe'), Date.now, 64 * 1024, 8);
  return recordDownload(
    downloader,
    { requestId: 'req_rangedranged', url, options: downloadOptionsSchema.parse({}), workDir, maxBytes: opts.maxBytes ?? 1 << 30 },
    opts,
  );
}

/** Exact bytes that never go back, never past the size, ending at 100 % of it. */
function expectExactProgress(o: RecordedDownload, size: number): void {
  const p = o.progress;
  const back = p.findIndex((x, i) => i > 0 && (x.percent < p[i - 1].percent || x.downloaded_bytes < p[i - 1].downloaded_bytes));
  expect(back < 0 ? 'monotonic' : { before: p[back - 1], after: p[back] }).toBe('monotonic');
  expect(p.every((x) => x.downloaded_bytes <= size && x.total_bytes === size)).toBe(true);
  expect(p.at(-1)).toMatchObject({ percent: 100, downloaded_bytes: size });
}

const rangedRequests = (s: ThrottledSource, path = '/clip.mp4') => s.requests.filter((q) => q.path === path && q.range !== null);

describe('splitIntoParts', () => {
  it('cuts a file into equal parts that cover it exactly, never smaller than the minimum', () => {
    expect(splitIntoParts(10, 3, 1)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 10 },
    ]);
    expect(splitIntoParts(3 * MIB, 8)).toHaveLength(3);
    expect(splitIntoParts(100, 8)).toEqual([{ start: 0, end: 100 }]);
  });
});

describe('HttpMediaDownloader over several connections', () => {
  it('fetches ranged parts at the same time: the same bytes, exact monotonic progress', async () => {
    const before = rangedRequests(source).length;
    let most = 0;
    const o = await download(`${source.url}/clip.mp4`, { onProgress: () => (most = Math.max(most, source.active())) });
    const r = resultOf(o);
    expect(sha256(readFileSync(r.tempPath))).toBe(sha256(clip));
    expectExactProgress(o, clip.length);
    expect(rangedRequests(source).length - before).toBe(7);
    expect(most).toBeGreaterThanOrEqual(4);
    expect(o.logs).toContain(`fetching ${clip.length} bytes over 8 connections`);
    expect(r.metadata).toMatchObject({ title: 'Parallel', width: 640, height: 360 });
    expect(await readdir(o.workDir)).toEqual(['download.mp4.part']);
  }, 60_000);

  it('uses one connection for a server that does not offer ranges', async () => {
    const o = await download(`${noRanges.url}/clip.mp4`);
    expect(sha256(readFileSync(resultOf(o).tempPath))).toBe(sha256(clip));
    expectExactProgress(o, clip.length);
    expect(noRanges.requests).toEqual([{ path: '/clip.mp4', range: null }]);
  }, 60_000);

  it('completes over one connection from a server that claims ranges and ignores them', async () => {
    const o = await download(`${claimsRanges.url}/clip.mp4`);
    expect(sha256(readFileSync(resultOf(o).tempPath))).toBe(sha256(clip));
    expectExactProgress(o, clip.length);
    expect(rangedRequests(claimsRanges).length).toBe(7); // asked, answered 200, dropped
    expect(o.logs).toContain('the server does not answer ranged requests: one connection');
  }, 60_000);

  it('stops every connection within 2 s on cancel and leaves no partial file', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const o = await download(`${slow.url}/clip.mp4`, {
      controller,
      onProgress: (p) => {
        if (p.downloaded_bytes > MIB && !abortedAt) {
          abortedAt = Date.now();
          controller.abort(new DownloadError('cancelled', 'Cancelled by request'));
        }
      },
    });
    expect(o.error).toMatchObject({ code: 'cancelled' });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(await readdir(o.workDir)).toEqual([]);
    await waitFor(() => slow.active() === 0, { timeoutMs: 2_000, what: 'every connection to the source closed' });
  }, 60_000);

  it('refuses a file over MAX_FILE_SIZE_MB before opening more connections, writing nothing', async () => {
    const before = rangedRequests(source).length;
    const o = await download(`${source.url}/clip.mp4`, { maxBytes: 3 * MIB });
    expect(o.error?.code).toBe('too_large');
    expect(rangedRequests(source).length).toBe(before);
    expect(await readdir(o.workDir)).toEqual([]);
  }, 60_000);

  it('refuses a private address reached by a ranged connection (a redirect) and keeps nothing', async () => {
    source.serve('/redirected.mp4', clip, 'video/mp4');
    source.redirectRanged('/redirected.mp4', `${secret.url}/clip.mp4`);
    const o = await download(`${source.url}/redirected.mp4`);
    expect(rangedRequests(source, '/redirected.mp4').length).toBeGreaterThan(0);
    expect(o.error).toMatchObject({ code: 'forbidden_address' });
    expect(o.error?.message).toMatch(/127\.0\.0\.1/);
    expect(secret.requests).toEqual([]);
    expect(await readdir(o.workDir)).toEqual([]);
    await waitFor(() => source.active() === 0, { timeoutMs: 2_000, what: 'the first connection closed too' });
  }, 60_000);
});
