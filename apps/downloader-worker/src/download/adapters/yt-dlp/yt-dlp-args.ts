import { THUMBNAIL_CONTAINERS, type DownloadOptions, type Quality } from '@mda/contracts';
import { DownloadError, DownloadJob } from '../../ports/media-downloader';
import { join } from 'node:path';
import { CONVERSION_PROGRESS_FILE, CONVERTING_POSTPROCESSORS } from './conversion-progress';
import { DONE_TEMPLATE, FORMATS_TEMPLATE, META_TEMPLATE, PROGRESS_TEMPLATE } from './yt-dlp-output';

/** The temp name inside the job's work folder; the caller moves the file to its final path. */
export const OUTPUT_TEMPLATE = 'media.%(ext)s';

const SUB_LANG = /^[A-Za-z0-9_.*-]{1,20}$/;

/**
 * The argument array for one job. It is passed to the process as is (never through a shell),
 * so no value here can be interpreted as a command; `--` keeps the URL from being read as an option.
 */
export function buildYtDlpArgs(job: DownloadJob, tools: { ffmpegPath: string }, transferArgs: readonly string[] = []): string[] {
  const o = job.options;
  const args = [
    // Quiet stdout for our JSON lines; -v sends yt-dlp's log (including why it skipped a file) to stderr.
    ...['-q', '-v', '--no-warnings', '--ignore-config', '--no-cache-dir', '--newline', '--progress'],
    ...['--progress-template', PROGRESS_TEMPLATE, '--print', META_TEMPLATE, '--print', FORMATS_TEMPLATE, '--print', DONE_TEMPLATE],
    '--no-simulate',
    // One job is one file: a playlist URL yields its first entry (playlists are expanded before submitting).
    ...['--no-playlist', '--playlist-items', '1'],
    '--no-mtime',
    ...['--max-filesize', String(Math.max(1, Math.floor(job.maxBytes)))],
    ...['-P', job.workDir, '-o', OUTPUT_TEMPLATE],
    // how the bytes are fetched (parallelTransferArgs); the egress proxy is put in by the session's command()
    ...transferArgs,
    ...conversionProgressArgs(job.workDir),
  ];
  // yt-dlp treats the value as a path; a bare command name is left to its own PATH lookup.
  if (tools.ffmpegPath.includes('/')) args.push('--ffmpeg-location', tools.ffmpegPath);
  if (job.cookiesFile) args.push('--cookies', job.cookiesFile);
  args.push(...formatArgs(o), ...extraArgs(o), '--', job.url);
  return args;
}

/** `-f` and the conversions that go with the requested quality and containers. */
export function formatArgs(o: DownloadOptions): string[] {
  const custom = o.custom_format == null ? null : validateCustomFormat(o.custom_format);
  const args = ['-f', custom ?? formatSelector(o.quality)];
  if (o.quality === 'audio') {
    args.push('-x', '--audio-format', o.audio_format);
    if (o.audio_quality != null) args.push('--audio-quality', `${o.audio_quality}K`);
    return args;
  }
  if (o.video_format === 'webm') {
    // webm holds VP8/VP9/AV1 with Opus/Vorbis only: streams that do not fit are merged into mkv and
    // re-encoded (a pick that is webm already is left as is), so the file is a real webm
    // (a custom selection too: what it picks is kept, in the container asked for)
    args.push('--merge-output-format', 'webm/mkv', '--recode-video', 'webm');
    return args;
  }
  args.push('--merge-output-format', o.video_format);
  // A single-file pick may come in another container than asked for; a custom selection is taken as chosen.
  if (!custom) args.push('--remux-video', o.video_format);
  return args;
}

/** yt-dlp's format selector for a quality. */
export function formatSelector(quality: Quality): string {
  if (quality === 'best') return 'bestvideo+bestaudio/best';
  if (quality === 'audio') return 'bestaudio/best';
  const height = quality === '4k' ? 2160 : Number.parseInt(quality, 10);
  // `<=?` keeps formats whose height is unknown (direct links), which `<=` would drop. Nothing at or
  // below the height: the smallest rendition above it (a 360p-only source answers 144p with 360p).
  return `bestvideo[height<=?${height}]+bestaudio/best[height<=?${height}]/worstvideo+bestaudio/worst`;
}

/** A user's own format selector: passed as one argument, so it only has to be a sane string. */
export function validateCustomFormat(format: string): string {
  const value = format.trim();
  if (value === '' || value.length > 500) throw new DownloadError('invalid_request', 'custom_format must be 1 to 500 characters');
  if (/\p{C}/u.test(value)) throw new DownloadError('invalid_request', 'custom_format must contain printable characters only');
  if (value.startsWith('-')) throw new DownloadError('invalid_request', "custom_format must not start with '-'");
  return value;
}

function extraArgs(o: DownloadOptions): string[] {
  const args: string[] = [];
  const container = o.quality === 'audio' ? o.audio_format : o.video_format;
  // Only video containers take subtitle tracks.
  const embedSubs = o.embed_subtitles && o.quality !== 'audio';
  const wantSubs = o.download_subtitles || embedSubs || o.auto_subtitles;
  if (wantSubs) args.push('--write-subs', '--sub-langs', subtitleLanguages(o.subtitle_languages));
  if (wantSubs && o.auto_subtitles) args.push('--write-auto-subs');
  if (wantSubs && o.subtitle_format) args.push('--convert-subs', o.subtitle_format);
  if (embedSubs) args.push('--embed-subs');
  if (o.write_thumbnail) args.push('--write-thumbnail');
  if ((o.write_thumbnail || o.embed_thumbnail) && THUMBNAIL_CONTAINERS.has(container)) args.push('--embed-thumbnail');
  if (o.embed_metadata) args.push('--embed-metadata');
  // written beside the media as media.info.json / media.description, kept and listed by the worker
  if (o.write_info_json) args.push('--write-info-json');
  if (o.write_description) args.push('--write-description');
  return args;
}

/**
 * The ffmpeg of each re-encoding post-processor writes its progress to a file in the work folder
 * (yt-dlp reads that ffmpeg's output only at its end); the worker follows it. yt-dlp splits the
 * value like a shell, hence the quoting.
 */
export function conversionProgressArgs(workDir: string): string[] {
  const file = shellQuote(join(workDir, CONVERSION_PROGRESS_FILE));
  return CONVERTING_POSTPROCESSORS.flatMap((pp) => ['--postprocessor-args', `${pp}+ffmpeg:-progress ${file} -stats_period 0.5`]);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

function subtitleLanguages(languages: string[] | null | undefined): string {
  if (!languages?.length) return 'en.*';
  const bad = languages.find((l) => !SUB_LANG.test(l));
  if (bad !== undefined) throw new DownloadError('invalid_request', `subtitle language "${bad.slice(0, 20)}" is not valid`);
  return languages.join(',');
}
