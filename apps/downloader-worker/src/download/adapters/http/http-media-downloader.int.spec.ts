/**
 * Integration tier: the direct-file path with the real guarded client and the real ffprobe, against
 * media made with ffmpeg and served on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadOptionsSchema } from '@mda/contracts';
import { EgressPolicy, GuardedHttpClient } from '@mda/net-guard';
import { makeClip, MediaServer, mediaRoot, serveMedia } from '@mda/testing';
import { DownloadError } from '../../ports/media-downloader';
import { MediaProbe, ProbeResult } from '../../ports/media-probe';
import { FfprobeMediaProbe } from '../ffprobe-media-probe';
import { HttpMediaDownloader } from './http-media-downloader';
import { recordDownload } from '../../../../test/support/recorded-download';

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** The real ffprobe, noting the file's size on disk when each probe started. */
class RecordingProbe extends MediaProbe {
  readonly sizesAtProbe: number[] = [];
  private readonly real = new FfprobeMediaProbe('ffprobe');
  async probe(path: string): Promise<ProbeResult> {
    this.sizesAtProbe.push((await stat(path)).size);
    return this.real.probe(path);
  }
}

let served: MediaServer;
let chunked: MediaServer;
let crawling: MediaServer;
let faststart: string;
let moovAtEnd: string;
const workDirs: string[] = [];
const http = new GuardedHttpClient({ policy: EgressPolicy.allowAll() });

beforeAll(async () => {
  const clip = await makeClip({ seconds: 4, width: 640, height: 360, title: 'Head Probe' });
  faststart = clip; // makeClip writes the index first (+faststart)
  moovAtEnd = join(mediaRoot(), 'moov-at-end.mp4');
  ffmpeg(['-i', clip, '-c', 'copy', moovAtEnd]); // no +faststart: the index is written last
  served = await serveMedia(mediaRoot());
  chunked = await serveMedia(mediaRoot(), { omitContentLength: true });
  // slow enough that the head probe starts long before the last byte, even on a loaded machine
  crawling = await serveMedia(mediaRoot(), { bytesPerSecond: 20_000 });
}, 60_000);
afterAll(async () => {
  await Promise.all([served, chunked, crawling].map((s) => s?.close()));
  await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function download(url: string, opts: { maxBytes?: number; controller?: AbortController; headProbeBytes?: number } = {}) {
  const workDir = await mkdtemp(join(tmpdir(), 'mda-direct-'));
  workDirs.push(workDir);
  const probe = new RecordingProbe();
  const downloader = new HttpMediaDownloader(http, probe, Date.now, opts.headProbeBytes ?? 64 * 1024);
  const job = { requestId: 'req_directdirect', url, options: downloadOptionsSchema.parse({}), workDir, maxBytes: opts.maxBytes ?? 1 << 30 };
  return { ...(await recordDownload(downloader, job, opts)), probe };
}

describe('HttpMediaDownloader (direct files)', () => {
  it('writes the exact bytes and takes the metadata from a probe of the head when the file starts with its index', async () => {
    const size = (await stat(faststart)).size;
    const { result, probe, progress } = await download(crawling.urlFor(faststart));
    expect(result).toBeDefined();
    expect(await sha(result?.tempPath ?? '')).toBe(await sha(faststart));
    // one probe only, made while the file was still arriving
    expect(probe.sizesAtProbe).toHaveLength(1);
    expect(probe.sizesAtProbe[0]).toBeGreaterThanOrEqual(64 * 1024);
    expect(probe.sizesAtProbe[0]).toBeLessThan(size);
    expect(result?.metadata).toMatchObject({ title: 'Head Probe', width: 640, height: 360, extractor: 'direct', ext: 'mp4' });
    expect(result?.metadata.duration).toBeCloseTo(4, 1);
    expect(progress.at(-1)).toMatchObject({ percent: 100, downloaded_bytes: size });
  });

  it('probes the whole file again when the index comes last (the head says nothing reliable)', async () => {
    const size = (await stat(moovAtEnd)).size;
    const { result, probe } = await download(crawling.urlFor(moovAtEnd));
    expect(await sha(result?.tempPath ?? '')).toBe(await sha(moovAtEnd));
    expect(probe.sizesAtProbe).toHaveLength(2);
    expect(probe.sizesAtProbe[0]).toBeLessThan(size);
    expect(probe.sizesAtProbe[1]).toBe(size);
    expect(result?.metadata.duration).toBeCloseTo(4, 1);
    expect(result?.metadata).toMatchObject({ title: 'Head Probe', width: 640, height: 360 });
  });

  it('probes once, at the end, a file smaller than the head threshold', async () => {
    const size = (await stat(faststart)).size;
    const { result, probe } = await download(served.urlFor(faststart), { headProbeBytes: size + 1 });
    expect(probe.sizesAtProbe).toEqual([size]);
    expect(result?.metadata.duration).toBeCloseTo(4, 1);
  });

  it('stops at the size limit while bytes arrive (no Content-Length) and leaves no partial file', async () => {
    const { result, error, workDir } = await download(chunked.urlFor(faststart), { maxBytes: 100_000 });
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(DownloadError);
    expect(error?.code).toBe('too_large');
    expect(await readdir(workDir)).toEqual([]);
  });

  it('stops on abort with the abort reason and leaves no partial file', async () => {
    const controller = new AbortController();
    const pending = download(crawling.urlFor(faststart), { controller }); // several seconds at this rate
    setTimeout(() => controller.abort(new DownloadError('cancelled', 'Cancelled by the user')), 300);
    const { result, error, workDir } = await pending;
    expect(result).toBeUndefined();
    expect(error).toMatchObject({ code: 'cancelled', message: 'Cancelled by the user' });
    expect(await readdir(workDir)).toEqual([]);
  });

  it('fails with a storage error, not a network one, when the work folder cannot be written', async () => {
    const downloader = new HttpMediaDownloader(http, new RecordingProbe(), Date.now, 64 * 1024);
    const missing = join(tmpdir(), `mda-direct-missing-${process.pid}`, 'gone');
    const error = await downloader
      .download(
        { requestId: 'req_directdirect', url: served.urlFor(faststart), options: downloadOptionsSchema.parse({}), workDir: missing, maxBytes: 1 << 30 },
        { onProgress: () => undefined, onLog: () => undefined, signal: new AbortController().signal },
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ code: 'internal_error', message: 'Could not write the file (ENOENT)' });
  });
});
