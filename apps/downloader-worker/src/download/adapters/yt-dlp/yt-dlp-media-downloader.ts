import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { MediaMetadata } from '@mda/contracts';
import { Egress, EgressSession, refusalError } from '../../../egress/egress';
import { DownloadError, DownloadHooks, DownloadJob, DownloadResult, MediaDownloader } from '../../ports/media-downloader';
import { MediaProbe, ProbeResult } from '../../ports/media-probe';
import { FfprobeMediaProbe } from '../ffprobe-media-probe';
import { abortReasonToError } from './abort-reason';
import { isAudioExt, mimeTypeForExt } from './media-file-type';
import { Aria2DiskProgress } from './aria2-disk-progress';
import { ParallelTransfer, parallelTransferArgs, SERIAL_TRANSFER } from './parallel-transfer';
import { ProcessRun } from './process-run';
import { NodeProcessSpawner, ProcessSpawner } from './process-spawner';
import { ProgressAggregator } from './progress-aggregator';
import { collectSidecars } from './sidecars';
import { CONVERSION_PROGRESS_FILE, conversionInput, readFfmpegProgress } from './conversion-progress';
import { buildYtDlpArgs } from './yt-dlp-args';
import { MAX_FFMPEG_REASONS, classifyYtDlpFailure, ffmpegReason } from './yt-dlp-errors';
import { parseYtDlpLine, YtDlpMeta, YtDlpProgress } from './yt-dlp-output';
import { isInside, listEntries, removeNewEntries } from './work-dir';

export interface YtDlpTools {
  ytdlpPath: string;
  ffmpegPath: string;
  /** Defaults to `ffprobe` next to `ffmpegPath`. */
  ffprobePath?: string;
}

export interface YtDlpDependencies {
  /** Where every run gets its proxy settings (the worker's egress proxy). */
  egress: Egress;
  spawner?: ProcessSpawner;
  probe?: MediaProbe;
  /** Time between SIGTERM and SIGKILL when stopping. */
  graceMs?: number;
  /** Connections and fragments per download (default: one of each). */
  transfer?: ParallelTransfer;
}

/** What one yt-dlp run told us so far. */
interface RunState {
  meta: YtDlpMeta;
  filepath: string | null;
  errors: string[];
  otherStderr: string[];
  /** ffmpeg's first reason lines (see ffmpegReason), kept apart from the bounded stderr tail. */
  ffmpegReasons: string[];
  progress: ProgressAggregator;
  /** The conversion being followed: its input's duration once known, and whether a read is under way. */
  converting: { durationSec?: number | null; busy: boolean; over?: boolean };
}

const MAX_KEPT_STDERR = 50;
/** How often a running conversion's progress file is read. */
const CONVERSION_POLL_MS = 500;
/**
 * The part of the job's percent a conversion takes: a video re-encode (webm from H.264) often takes
 * as long as the download or longer, an audio extraction much less.
 */
const VIDEO_RECODE_SHARE = 0.5;
const AUDIO_EXTRACT_SHARE = 0.2;

/**
 * Downloads through yt-dlp (pages, HLS/DASH, format selection, conversion). yt-dlp runs in its own
 * process group so that cancel, timeout and the size limit stop it together with its ffmpeg;
 * what it wrote in the work folder is removed on every failure.
 */
export class YtDlpMediaDownloader extends MediaDownloader {
  private readonly spawner: ProcessSpawner;
  private readonly probe: MediaProbe;
  private readonly graceMs: number;
  private readonly egress: Egress;
  private readonly transfer: ParallelTransfer;

  constructor(
    private readonly tools: YtDlpTools,
    deps: YtDlpDependencies,
  ) {
    super();
    this.egress = deps.egress;
    this.spawner = deps.spawner ?? new NodeProcessSpawner();
    this.probe = deps.probe ?? new FfprobeMediaProbe(tools.ffprobePath ?? siblingFfprobe(tools.ffmpegPath));
    this.graceMs = deps.graceMs ?? 1000;
    this.transfer = deps.transfer ?? SERIAL_TRANSFER;
  }

  async download(job: DownloadJob, hooks: DownloadHooks): Promise<DownloadResult> {
    if (hooks.signal.aborted) throw abortReasonToError(hooks.signal.reason);
    const egress = this.egress.open(`job ${job.requestId}`);
    try {
      return await this.run(job, hooks, egress);
    } finally {
      egress.close();
    }
  }

  private async run(job: DownloadJob, hooks: DownloadHooks, egress: EgressSession): Promise<DownloadResult> {
    const command = egress.command('yt-dlp', buildYtDlpArgs(job, this.tools, parallelTransferArgs(this.transfer, job, egress)));
    const existing = await listEntries(job.workDir);
    const state: RunState = {
      meta: {},
      filepath: null,
      errors: [],
      otherStderr: [],
      ffmpegReasons: [],
      progress: new ProgressAggregator(),
      converting: { busy: false },
    };
    let failure: DownloadError | null = null;
    const fail = (err: DownloadError) => {
      failure ??= err;
      void run.stop();
    };
    const guarded =
      <T>(handle: (value: T) => void) =>
      (value: T): void => {
        try {
          handle(value);
        } catch (err) {
          // A throwing hook must not become an uncaught exception in a stream callback.
          fail(err instanceof DownloadError ? err : new DownloadError('internal_error', `Progress handling failed: ${String(err)}`));
        }
      };
    const run = ProcessRun.start(this.spawner, this.tools.ytdlpPath, command.args, {
      graceMs: this.graceMs,
      env: command.env,
      onStdout: guarded((line) => {
        hooks.onLog(egress.redact(line));
        this.onStdout(line, state, job, hooks);
      }),
      onStderr: guarded((raw) => {
        const line = egress.redact(raw);
        hooks.onLog(line);
        const bucket = line.startsWith('ERROR:') ? state.errors : state.otherStderr;
        bucket.push(line);
        if (bucket.length > MAX_KEPT_STDERR) bucket.shift();
        // ffmpeg's first complaints are its reason; yt-dlp reports only its last line
        const reason = state.ffmpegReasons.length < MAX_FFMPEG_REASONS ? ffmpegReason(line) : null;
        if (reason) state.ffmpegReasons.push(reason);
      }),
    });
    // a throwing hook fails the job here too, as in the stream callbacks
    const conversion = setInterval(
      () =>
        void this.followConversion(job, state, hooks).catch((err) =>
          fail(err instanceof DownloadError ? err : new DownloadError('internal_error', `Progress handling failed: ${String(err)}`)),
        ),
      CONVERSION_POLL_MS,
    );
    // aria2c tells yt-dlp nothing until it is done: its files say how far it is (and how large)
    const disk = new Aria2DiskProgress(
      job.workDir,
      guarded(({ progress, formatId }) => this.onProgress(progress, formatId ?? singleFormatId(state.meta), state, job, hooks)),
    );
    if (this.transfer.connections > 1) disk.start();
    const onAbort = () => fail(abortReasonToError(hooks.signal.reason));
    hooks.signal.addEventListener('abort', onAbort, { once: true });
    if (hooks.signal.aborted) onAbort(); // aborted while the folder was being listed
    try {
      const exit = await run.exited;
      if (failure) throw failure;
      // a refused connection explains the failure (yt-dlp saw a 403), and voids a partial success
      const refused = refusalError(egress);
      if (refused) throw refused;
      if (exit.code !== 0 || !state.filepath) throw classifyYtDlpFailure(state.errors, state.otherStderr, exit.code, state.ffmpegReasons);
      const result = await this.finish(job, state, hooks);
      if (failure) throw failure;
      return result;
    } catch (err) {
      await run.stop(); // nothing of the group may still be writing when the files go
      await removeNewEntries(job.workDir, existing);
      throw failure ?? toDownloadError(err);
    } finally {
      clearInterval(conversion);
      state.converting.over = true; // a read still under way reports nothing after the end
      disk.stop();
      hooks.signal.removeEventListener('abort', onAbort);
    }
  }

  private onStdout(line: string, state: RunState, job: DownloadJob, hooks: DownloadHooks): void {
    const parsed = parseYtDlpLine(line);
    switch (parsed.kind) {
      case 'meta':
        state.meta = parsed.meta;
        if (conversionFollows(job, parsed.meta)) state.progress.expectConversion(job.options.quality === 'audio' ? AUDIO_EXTRACT_SHARE : VIDEO_RECODE_SHARE);
        hooks.onMetadata?.(earlyMetadata(parsed.meta));
        // `a+b` means several formats: their sizes come on the FORMATS line.
        if (!parsed.meta.format_id?.includes('+')) state.progress.plan([parsed.meta]);
        return;
      case 'formats':
        state.progress.plan(parsed.formats);
        return;
      case 'progress':
        return this.onProgress(parsed.progress, parsed.formatId, state, job, hooks);
      case 'done':
        state.filepath = parsed.filepath;
        return;
    }
  }

  /** One look at a running conversion's progress (ffmpeg's `-progress` file), turned into the job's progress. */
  private async followConversion(job: DownloadJob, state: RunState, hooks: DownloadHooks): Promise<void> {
    if (!state.progress.conversionExpected || state.converting.busy || state.converting.over) return;
    state.converting.busy = true;
    try {
      const ffmpeg = await readFfmpegProgress(join(job.workDir, CONVERSION_PROGRESS_FILE));
      if (!ffmpeg) return;
      // yt-dlp's duration, else the input's (a direct file or a generic HLS stream has none in its info)
      if (state.converting.durationSec === undefined) {
        const input = await conversionInput(job.workDir);
        const probed = input ? await this.probe.probe(input).catch(() => null) : null;
        state.converting.durationSec = positiveOrNull(state.meta.duration) ?? positiveOrNull(probed?.duration);
      }
      const duration = state.converting.durationSec;
      if (!duration) return;
      const eta = ffmpeg.speed ? Math.max(0, duration - ffmpeg.outTimeSec) / ffmpeg.speed : null;
      const progress = state.progress.converting(ffmpeg.ended ? 1 : ffmpeg.outTimeSec / duration, ffmpeg.ended ? 0 : eta);
      if (progress && !state.converting.over) hooks.onProgress(progress);
    } finally {
      state.converting.busy = false;
    }
  }

  private onProgress(report: YtDlpProgress, formatId: string | null, state: RunState, job: DownloadJob, hooks: DownloadHooks): void {
    const progress = state.progress.update(report, formatId);
    if (progress) hooks.onProgress(progress);
    // yt-dlp's --max-filesize trusts announced sizes; this also catches streams that announce none.
    const written = state.progress.bytesWritten;
    if (written > job.maxBytes) throw new DownloadError('too_large', `File is too large (over ${job.maxBytes} bytes; ${written} received)`);
  }

  private async finish(job: DownloadJob, state: RunState, hooks: DownloadHooks): Promise<DownloadResult> {
    const filepath = state.filepath as string;
    if (!isInside(job.workDir, filepath)) throw new DownloadError('internal_error', 'yt-dlp wrote its file outside the work folder');
    const size = (await stat(filepath)).size;
    if (size > job.maxBytes) throw new DownloadError('too_large', `File is too large (${size} bytes, limit ${job.maxBytes} bytes)`);
    const probe = await this.probe.probe(filepath).catch((err: Error) => {
      hooks.onLog(`ffprobe failed: ${err.message}`);
      return null;
    });
    const ext = extname(filepath).slice(1).toLowerCase();
    const audioOnly = job.options.quality === 'audio' || isAudioExt(ext);
    const sidecars = await collectSidecars(job.workDir, filepath, job.options);
    hooks.onProgress(state.progress.complete(size));
    return { tempPath: filepath, ext, audioOnly, metadata: buildMetadata(state.meta, probe, ext, audioOnly), mimeType: mimeTypeForExt(ext), sidecars };
  }
}

/**
 * Whether yt-dlp will re-encode after the download: audio is always extracted by ffmpeg, and a webm
 * is asked for while the chosen streams merge into another container (they do not fit a webm).
 */
function conversionFollows(job: DownloadJob, meta: YtDlpMeta): boolean {
  if (job.options.quality === 'audio') return true;
  return job.options.video_format === 'webm' && !!meta.ext && meta.ext !== 'webm';
}

function positiveOrNull(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

/** What yt-dlp knows before the download (a direct file's made-up title, its file name, is left out). */
function earlyMetadata(meta: YtDlpMeta): MediaMetadata {
  const madeUp = meta.extractor === 'generic' && (!meta.title || meta.title === meta.id);
  return {
    title: madeUp ? null : (meta.title ?? null),
    uploader: meta.uploader ?? meta.channel ?? null,
    duration: meta.duration ?? null,
    thumbnail: meta.thumbnail ?? null,
    extractor: meta.extractor ?? null,
    webpage_url: meta.webpage_url ?? null,
  };
}

/** yt-dlp's metadata, completed from the file itself where yt-dlp knows little (direct files). */
function buildMetadata(meta: YtDlpMeta, probe: ProbeResult | null, ext: string, audioOnly: boolean): MediaMetadata {
  // The generic extractor names a direct file after its URL (title = id = file name); the file's own
  // title tag is better then. A real title (a feed entry's, a site's) wins over the tag.
  const madeUp = meta.extractor === 'generic' && (!meta.title || meta.title === meta.id);
  const title = madeUp ? probe?.title || meta.title : meta.title || probe?.title;
  return {
    id: meta.id ?? null,
    title: title ?? null,
    uploader: meta.uploader ?? meta.channel ?? null,
    duration: meta.duration ?? probe?.duration ?? null,
    thumbnail: meta.thumbnail ?? null,
    extractor: meta.extractor ?? null,
    width: audioOnly ? null : (probe?.width ?? meta.width ?? null),
    height: audioOnly ? null : (probe?.height ?? meta.height ?? null),
    ext,
    webpage_url: meta.webpage_url ?? null,
    upload_date: meta.upload_date ?? null,
    channel: meta.channel ?? null,
    channel_id: meta.channel_id ?? null,
    uploader_id: meta.uploader_id ?? null,
  };
}

/** The format id of a one-format download (how its progress is matched); null for `a+b`. */
function singleFormatId(meta: YtDlpMeta): string | null {
  return meta.format_id && !meta.format_id.includes('+') ? meta.format_id : null;
}

function toDownloadError(err: unknown): DownloadError {
  if (err instanceof DownloadError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.syscall?.startsWith('spawn')) return new DownloadError('internal_error', `yt-dlp could not be started (${e.code})`);
  return new DownloadError('internal_error', e?.message ?? String(err));
}

function siblingFfprobe(ffmpegPath: string): string {
  return ffmpegPath.includes('/') ? join(dirname(ffmpegPath), basename(ffmpegPath).replace(/ffmpeg/, 'ffprobe')) : 'ffprobe';
}
