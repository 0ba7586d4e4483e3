/**
 * Integration tier: an ffmpeg failure run by the real yt-dlp names ffmpeg's own reason, not its last line.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadOptionsSchema } from '@mda/contracts';
import { MediaServer, mediaRoot, serveMedia } from '@mda/testing';
import { EgressPolicy } from '@mda/net-guard';
import { ProxyEgress } from '../../../egress/proxy-egress';
import { DownloadError } from '../../ports/media-downloader';
import { YtDlpMediaDownloader } from './yt-dlp-media-downloader';

const which = (cmd: string) => execFileSync('which', [cmd]).toString().trim();
const tools = { ytdlpPath: which('yt-dlp'), ffmpegPath: which('ffmpeg'), ffprobePath: which('ffprobe') };

let server: MediaServer;
let egress: ProxyEgress;
let workDir: string;

beforeAll(async () => {
  egress = await ProxyEgress.start(EgressPolicy.allowAll());
  // bytes that are no media at all, served as video/mp4: yt-dlp downloads them, ffmpeg cannot read them
  writeFileSync(join(mediaRoot(), 'not-media.mp4'), randomBytes(100_000));
  server = await serveMedia(mediaRoot());
  workDir = await mkdtemp(join(tmpdir(), 'mda-ytdlp-reason-'));
}, 60_000);

afterAll(async () => {
  await egress.close();
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

it("an ffmpeg post-processing failure carries ffmpeg's first reason and the ffmpeg_failed class", async () => {
  const downloader = new YtDlpMediaDownloader(tools, { egress });
  const logs: string[] = [];
  const err = await downloader
    .download(
      {
        requestId: 'req_abcdefabcdef',
        url: server.urlFor('not-media.mp4'),
        options: downloadOptionsSchema.parse({ embed_metadata: true }),
        workDir,
        maxBytes: 50_000_000,
      },
      { onProgress: () => undefined, onLog: (l) => logs.push(l), signal: new AbortController().signal },
    )
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(DownloadError);
  expect((err as DownloadError).code).toBe('ffmpeg_failed');
  // ffmpeg's last line ("…: Invalid data found when processing input") is what yt-dlp reports;
  // the cause is the demuxer's complaint before it
  expect((err as DownloadError).message).toMatch(/^Post-processing with ffmpeg failed: mov,mp4[\w,]*: moov atom not found/);
  expect(logs.some((l) => /^ERROR: Postprocessing: .*Invalid data found/.test(l))).toBe(true);
  expect(await readdir(workDir)).toEqual([]);
}, 60_000);
