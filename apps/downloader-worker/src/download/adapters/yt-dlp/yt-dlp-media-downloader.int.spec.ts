/**
 * Integration tier: the real yt-dlp and ffmpeg against media made and served here, on 127.0.0.1 only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadOptionsSchema, DownloadOptions } from '@mda/contracts';
import { freePort, HTML_PAGE_PATH, makeClip, makeHls, makeRssFeed, makeSeparateStreams, MediaServer, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { EgressPolicy } from '@mda/net-guard';
import { ProxyEgress } from '../../../egress/proxy-egress';
import { DownloadError } from '../../ports/media-downloader';
import { liveGroupMembers } from './process-spawner';
import { YtDlpMediaDownloader } from './yt-dlp-media-downloader';
import { RecordingSpawner } from '../../../../test/support/recording-spawner';
import { RecordedDownload, RecordOptions, recordDownload, resultOf } from '../../../../test/support/recorded-download';

const which = (cmd: string) => execFileSync('which', [cmd]).toString().trim();
const tools = { ytdlpPath: which('yt-dlp'), ffmpegPath: which('ffmpeg'), ffprobePath: which('ffprobe') };

interface Probed {
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
  format: { duration: string };
}
const ffprobe = (file: string): Probed =>
  JSON.parse(
    execFileSync(tools.ffprobePath, [
      '-v',
      'error',
      '-show_entries',
      'format=duration:stream=codec_type,codec_name,width,height',
      '-of',
      'json',
      file,
    ]).toString(),
  );

type Outcome = RecordedDownload & { pid?: number };

const workDirs: string[] = [];
async function download(url: string, options: Partial<DownloadOptions> = {}, opts: { maxBytes?: number } & RecordOptions = {}): Promise<Outcome> {
  const workDir = await mkdtemp(join(tmpdir(), 'mda-ytdlp-job-'));
  workDirs.push(workDir);
  const spawner = new RecordingSpawner();
  const downloader = new YtDlpMediaDownloader(tools, { spawner, egress });
  const job = { requestId: 'req_abcdefabcdef', url, options: downloadOptionsSchema.parse(options), workDir, maxBytes: opts.maxBytes ?? 50_000_000 };
  const out: Outcome = await recordDownload(downloader, job, opts);
  out.pid = spawner.pids[0];
  return out;
}

function pidOf(o: Outcome): number {
  if (o.pid === undefined) throw new Error('yt-dlp was not started');
  return o.pid;
}
const percents = (o: Outcome) => o.progress.map((p) => p.percent);
function expectMonotonic(o: Outcome): void {
  const list = percents(o);
  expect(list.every((p, i) => i === 0 || p >= list[i - 1])).toBe(true);
  expect(list[list.length - 1]).toBe(100);
}
const groupGone = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
};

let clip: string;
let server: MediaServer;
// every run goes through the real egress proxy (allowing loopback here, as ALLOW_PRIVATE_NETWORKS=true would)
let egress: ProxyEgress;

beforeAll(async () => {
  egress = await ProxyEgress.start(EgressPolicy.allowAll());
  clip = await makeClip({ seconds: 3, width: 320, height: 240, title: 'Test Clip' });
  server = await serveMedia(mediaRoot());
}, 60_000);

afterAll(async () => {
  await egress.close();
  await server.close();
  await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('YtDlpMediaDownloader (real yt-dlp and ffmpeg)', () => {
  it('downloads a direct mp4 and takes title and duration from the file', async () => {
    const o = await download(server.urlFor(clip));
    const r = resultOf(o);
    expect(existsSync(r.tempPath)).toBe(true);
    expect(r.tempPath.startsWith(o.workDir)).toBe(true);
    expect(Number(ffprobe(r.tempPath).format.duration)).toBeCloseTo(3, 0);
    expect(r).toMatchObject({ ext: 'mp4', audioOnly: false, mimeType: 'video/mp4' });
    expect(r.metadata).toMatchObject({ title: 'Test Clip', width: 320, height: 240, extractor: 'generic', ext: 'mp4' });
    expect(r.metadata.duration).toBeCloseTo(3, 0);
    expect(o.progress[o.progress.length - 1]).toMatchObject({ percent: 100, downloaded_bytes: (await stat(r.tempPath)).size });
    expectMonotonic(o);
  });

  it('downloads HLS with a monotonic percent driven by fragments', async () => {
    const o = await download(server.urlFor(await makeHls(clip)));
    expect(
      ffprobe(resultOf(o).tempPath)
        .streams.map((s) => s.codec_type)
        .sort(),
    ).toEqual(['audio', 'video']);
    expectMonotonic(o);
    expect(o.logs.some((l) => l.startsWith('PROGRESS') && l.includes('"fragment_count": 3'))).toBe(true);
    // Three 1 s segments: the percent moves in thirds, not by revised byte estimates.
    expect(percents(o).filter((p) => p > 0 && p < 99.9)).toEqual(expect.arrayContaining([33.33, 66.66]));
  });

  it('merges separate video and audio streams, keeping one monotonic percent over both', async () => {
    const { manifestPath } = await makeSeparateStreams({ seconds: 3 });
    const o = await download(server.urlFor(manifestPath), { quality: 'best', video_format: 'mp4' });
    const streams = ffprobe(resultOf(o).tempPath)
      .streams.map((s) => s.codec_type)
      .sort();
    expect(streams).toEqual(['audio', 'video']);
    expect(resultOf(o).ext).toBe('mp4');
    expectMonotonic(o);
    // yt-dlp logs two downloads that each start again at 0; the job's percent does not.
    const files = new Set(o.logs.filter((l) => l.startsWith('PROGRESS')).map((l) => /"filename": "([^"]+)"/.exec(l)?.[1]));
    expect(files.size).toBe(2);
    expect(new Set(percents(o)).size).toBeGreaterThan(4);
  });

  it('keeps a unicode title intact through yt-dlp and ffprobe', async () => {
    const title = 'Ünïcödé — 日本語のタイトル 🎬';
    const o = await download(server.urlFor(await makeClip({ seconds: 2, title })));
    expect(resultOf(o).metadata.title).toBe(title);
  });

  it('downloads only the first entry of a feed: one job is one file', async () => {
    const second = await makeClip({ seconds: 2, title: 'Second' });
    const feed = makeRssFeed([
      { title: 'First', url: server.urlFor(clip) },
      { title: 'Second', url: server.urlFor(second) },
    ]);
    server.setRoute('/feed.xml', feed, 'application/rss+xml');
    const o = await download(`${server.url}/feed.xml`);
    expect(resultOf(o).metadata).toMatchObject({ title: 'First', duration: 3 });
    expect(server.requests.filter((p) => p === `/${second.split('/').pop()}`)).toEqual([]);
    expect((await readdir(o.workDir)).filter((f) => f.endsWith('.mp4'))).toHaveLength(1);
  });

  it('extracts audio to mp3', async () => {
    const o = await download(server.urlFor(clip), { quality: 'audio', audio_format: 'mp3' });
    const probed = ffprobe(resultOf(o).tempPath);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['audio:mp3']);
    expect(o.result).toMatchObject({ ext: 'mp3', audioOnly: true, mimeType: 'audio/mpeg' });
    expect(resultOf(o).metadata).toMatchObject({ title: 'Test Clip', width: null, height: null });
  });

  it('re-encodes H.264/AAC to a real webm with progress that moves during the re-encode', async () => {
    // long enough that the VP9 encode lasts several polls of ffmpeg's progress
    const source = await makeClip({ seconds: 8, width: 480, height: 270, title: 'Recode' });
    const o = await download(server.urlFor(source), { video_format: 'webm' });
    const r = resultOf(o);
    expect(r.ext).toBe('webm');
    expect(
      ffprobe(r.tempPath)
        .streams.map((s) => `${s.codec_type}:${s.codec_name}`)
        .sort(),
    ).toEqual(['audio:opus', 'video:vp9']);
    expectMonotonic(o);
    // the download fills the first half of the percent, ffmpeg's re-encode the second: several
    // readings inside it, with the bytes all downloaded and an eta from the encoder's speed
    const during = o.progress.filter((p) => p.percent > 50 && p.percent < 100);
    expect(new Set(during.map((p) => p.percent)).size).toBeGreaterThanOrEqual(2);
    expect(during.every((p) => p.downloaded_bytes > 0 && p.total_bytes === p.downloaded_bytes && p.speed === null)).toBe(true);
    expect(during.some((p) => p.eta !== null && p.eta > 0)).toBe(true);
    // the last byte arrived at half the percent, not at the end
    const downloaded = Math.max(...o.progress.map((p) => p.downloaded_bytes));
    expect(o.progress.find((p) => p.downloaded_bytes === downloaded)?.percent).toBeLessThanOrEqual(50);
  }, 120_000);

  it('applies a custom format selector passed as one argument', async () => {
    const { manifestPath } = await makeSeparateStreams({ seconds: 3 });
    const o = await download(server.urlFor(manifestPath), { custom_format: 'bestaudio' });
    expect(ffprobe(resultOf(o).tempPath).streams.map((s) => s.codec_type)).toEqual(['audio']);
  });

  it.each([
    ['a missing file', () => `${server.url}/missing.mp4`, 'not_found', /HTTP 404/],
    ['a page without media', () => `${server.url}${HTML_PAGE_PATH}`, 'unsupported_url', /not supported/],
  ])('classifies %s', async (_, url, code, message) => {
    const o = await download(url());
    expect(o.error?.code).toBe(code);
    expect(o.error?.message).toMatch(message);
    expect(o.logs.some((l) => l.startsWith('ERROR:'))).toBe(true);
    expect(await readdir(o.workDir)).toEqual([]);
  });

  it('classifies a refused connection as a network error', async () => {
    const o = await download(`http://127.0.0.1:${await freePort()}/clip.mp4`);
    expect(o.error).toMatchObject({ code: 'network_error', message: 'Network error: connection refused' });
  });

  it('rejects a file over the limit that announces its size, writing nothing', async () => {
    const o = await download(server.urlFor(clip), {}, { maxBytes: 10_000 });
    expect(o.error?.code).toBe('too_large');
    expect(await readdir(o.workDir)).toEqual([]);
  });

  describe('slow sources', () => {
    let slow: MediaServer;
    let unsized: MediaServer;
    beforeAll(async () => {
      slow = await serveMedia(mediaRoot(), { bytesPerSecond: 20_000 });
      unsized = await serveMedia(mediaRoot(), { bytesPerSecond: 20_000, omitContentLength: true });
    });
    afterAll(async () => {
      await slow.close();
      await unsized.close();
    });

    it.each([
      ['cancelled', new DownloadError('cancelled', 'Cancelled by request')],
      ['timed_out', 'timeout'],
    ])('stops yt-dlp and its group on abort (%s), within 2 s, leaving no files', async (code, reason) => {
      const controller = new AbortController();
      let abortedAt = 0;
      const o = await download(
        slow.urlFor(clip),
        {},
        {
          controller,
          onProgress: (p) => {
            if (p.downloaded_bytes > 0 && !abortedAt) {
              abortedAt = Date.now();
              controller.abort(reason);
            }
          },
        },
      );
      const stoppedIn = Date.now() - abortedAt;
      expect(o.error?.code).toBe(code);
      expect(stoppedIn).toBeLessThan(2000);
      expect(liveGroupMembers(pidOf(o))).toEqual([]);
      // Zombies are reaped by init in its own time: poll, never sleep.
      await waitFor(() => groupGone(pidOf(o)), { timeoutMs: 10_000, what: 'process group to disappear' });
      expect(await readdir(o.workDir)).toEqual([]);
    });

    it('aborts with too_large while downloading when the source announces no size', async () => {
      const size = (await stat(clip)).size;
      const o = await download(unsized.urlFor(clip), {}, { maxBytes: 30_000 });
      expect(o.error?.code).toBe('too_large');
      expect(o.logs.some((l) => l.startsWith('DONE'))).toBe(false);
      expect(Math.max(...o.progress.map((p) => p.downloaded_bytes))).toBeLessThan(size);
      // once bytes flowed, it stopped well before the whole file could have arrived at 20 kB/s
      // (yt-dlp's start-up, seconds on a loaded machine, is left out of the measure)
      expect(o.msFromFirstBytes).toBeLessThan((size / 20_000) * 1000);
      expect(await readdir(o.workDir)).toEqual([]);
      expect(liveGroupMembers(pidOf(o))).toEqual([]);
    });
  });
});
