import { mkdir, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  DownloadCompleted,
  DownloadRequested,
  LIVE_LOG_LINES,
  METRICS,
  MediaMetadata,
  Message,
  MessageInput,
  Progress,
  ROUTING_KEYS,
  defaultFilePath,
  fileUrl,
} from '@mda/contracts';
import { EventPublisher, HandlerOutcome } from '@mda/messaging';
import { MediaStore } from '@mda/media-store';
import { Logger, counterOf, errorFields, gaugeOf, histogramOf, zeroLabels } from '@mda/observability';
import { WORKER_CONFIG, WORKER_LOGGER } from '../tokens';
import type { WorkerConfig } from '../config/worker-config';
import { JobCookieFile, JobCookieFiles } from '../cookies/adapters/job-cookie-files';
import { partialDir, placeFile } from './file-placement';
import { DOWNLOAD_ERROR_CODES, DownloadError, DownloadResult, MediaDownloader } from './ports/media-downloader';
import { buildNfo } from './nfo';
import { GeneratedSidecar, placeSidecars } from './stored-files';
import { ProgressThrottle } from './progress-throttle';
import { CancellationCheck } from './ports/cancellation-check';
import { RunningJobs, WorkerShuttingDown } from './running-jobs';
import { resolveFilePath } from './target-path';
import { StoreMonitor } from './store-monitor';
import { DEFAULT_STORAGE_RETRY, withStorageRetry } from './storage-retry';

const jobsTotal = counterOf(METRICS.jobs);
const failuresTotal = counterOf(METRICS.jobFailures);
const activeDownloads = gaugeOf(METRICS.activeDownloads);
const durationSeconds = histogramOf(METRICS.downloadDuration);
const bytesTotal = counterOf(METRICS.downloadBytes);
type FinalEventType = typeof ROUTING_KEYS.downloadCompleted | typeof ROUTING_KEYS.downloadFailed | typeof ROUTING_KEYS.downloadCancelled;
type DownloadEventKey = typeof ROUTING_KEYS.downloadStarted | typeof ROUTING_KEYS.downloadProgress | FinalEventType;
const OUTCOME_OF = {
  [ROUTING_KEYS.downloadCompleted]: 'completed',
  [ROUTING_KEYS.downloadFailed]: 'failed',
  [ROUTING_KEYS.downloadCancelled]: 'cancelled',
} as const satisfies Record<FinalEventType, string>;
zeroLabels(
  METRICS.jobFailures,
  DOWNLOAD_ERROR_CODES.filter((c) => c !== 'cancelled').map((error_code) => ({ error_code })),
);

const MAX_LOG_LINES = 500;
/** Longest download.started waits for the downloader to say what the media is (a slow extractor must not keep the job looking queued). */
export const STARTED_WAIT_MS = 15_000;

/** One download job from command to final event. */
@Injectable()
export class DownloadJobService {
  constructor(
    private readonly downloader: MediaDownloader,
    private readonly events: EventPublisher,
    private readonly running: RunningJobs,
    private readonly cancellations: CancellationCheck,
    private readonly clock: Clock,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
    private readonly cookieFiles: JobCookieFiles,
    private readonly store: StoreMonitor,
    private readonly media: MediaStore,
  ) {}

  async run(cmd: DownloadRequested): Promise<HandlerOutcome> {
    const base = { request_id: cmd.request_id, url: cmd.url, webhook: cmd.webhook, batch_id: cmd.batch_id ?? null };
    const log = this.logger.child({ request_id: cmd.request_id });
    if (this.store.reason) {
      // delivered before the consumer was paused: back to the queue for a worker whose store works
      log.warn({ event: 'download.requeued', reason: this.store.reason }, 'media store unusable: job handed back to the queue');
      return 'requeue';
    }
    // cancelled while queued: this replica saw the cancel, or the job store says so (a replica
    // started after the cancel never saw it)
    if (this.running.wasCancelled(cmd.request_id) || (await this.cancellations.wasCancelled(cmd.request_id))) {
      log.info({ event: 'download.cancelled' }, 'job was cancelled while queued: skipped');
      await this.publish(
        ROUTING_KEYS.downloadCancelled,
        { ...base, completed_at: this.now(), reason: 'Cancelled while queued: not started', logs: ['Cancelled while queued: not started'] },
        cmd.request_id,
      );
      return 'ack';
    }
    const workDir = partialDir(this.config.storageDir, cmd.request_id);
    const controller = this.running.start(cmd.request_id);
    const timeoutSec = Math.min(cmd.options.timeout_sec, this.config.downloadTimeoutSec);
    const timer = setTimeout(() => controller.abort(new DownloadError('timed_out', `Download timed out after ${timeoutSec} s`)), timeoutSec * 1000);
    const logs: string[] = [];
    let newLines = false;
    const onLog = (line: string) => {
      logs.push(line.slice(0, 2000));
      if (logs.length > MAX_LOG_LINES) logs.shift();
      newLines = true;
    };
    let metadata: MediaMetadata | undefined;
    const throttle = new ProgressThrottle(() => this.clock.nowMs());
    let progressChain: Promise<unknown> = Promise.resolve();
    const startedMs = this.clock.nowMs();
    let cookies: JobCookieFile | undefined;
    // transient file-system errors (EBUSY, EAGAIN, NFS timeouts...) in the work-area setup are retried a few times before they fail the job
    const retryStorage = <T>(op: () => Promise<T>) =>
      withStorageRetry(op, { ...DEFAULT_STORAGE_RETRY, onRetry: (i) => log.warn({ event: 'storage.retry', ...i }, 'transient storage error: retrying') });
    // download.started waits (briefly) for what the media is, so the job has its title, uploader,
    // duration and thumbnail from its start; progress and final events are chained after it
    let started = false;
    let startedFailure: unknown;
    const publishStarted = () => {
      if (started) return;
      started = true;
      clearTimeout(startedCap);
      const early = metadata;
      metadata = undefined;
      progressChain = progressChain.then(() =>
        this.publish(ROUTING_KEYS.downloadStarted, { ...base, started_at: this.now(), ...(early ? { metadata: early } : {}) }, cmd.request_id).then(
          () => log.info({ event: 'download.started', url_host: safeHost(cmd.url) }, 'download started'),
          // thrown before the final event: the job goes back to the queue
          (err: unknown) => void (startedFailure ??= err),
        ),
      );
    };
    const startedCap = setTimeout(publishStarted, STARTED_WAIT_MS);
    const onMetadata = (m: MediaMetadata) => {
      metadata = m;
      publishStarted();
    };
    activeDownloads.inc();
    try {
      const onProgress = (p: Progress) => {
        publishStarted();
        if (!throttle.accept(p)) return;
        // while it runs, the job's /logs and its metadata come with the (throttled) progress events:
        // the log tail when new lines came, the metadata once
        const live = { ...(newLines ? { logs: liveTail(logs) } : {}), ...(metadata ? { metadata } : {}) };
        newLines = false;
        metadata = undefined;
        // published in order, never awaited on the hot path; the final event waits for them
        progressChain = progressChain.then(() =>
          this.publish(ROUTING_KEYS.downloadProgress, { ...base, progress: p, ...live }, cmd.request_id).catch((err) =>
            log.warn({ err: (err as Error).message }, 'progress event not published'),
          ),
        );
      };
      let final: Message<FinalEventType>;
      const placedKeys: string[] = [];
      try {
        // a previous attempt that died mid-download leaves partial files: start clean. Inside the
        // try: a store that cannot be written fails the job (storage_error), never strands it
        await retryStorage(async () => {
          await rm(workDir, { recursive: true, force: true });
          await mkdir(workDir, { recursive: true });
        });
        // this job's cookies only, in a 0600 temp file removed in finally
        if (cmd.cookies) cookies = await this.cookieFiles.write(cmd.request_id, cmd.cookies);
        const result = await this.downloader.download(
          { requestId: cmd.request_id, url: cmd.url, options: cmd.options, workDir, maxBytes: this.config.maxFileBytes, cookiesFile: cookies?.path },
          { onProgress, onLog, onMetadata, signal: controller.signal },
        );
        // not retried as a whole: a rename or link that went through before a later step failed is not repeatable
        // a cancel (or the time limit) during the upload aborts it: nothing is left in the store
        const placement = {
          keepExisting: !!cmd.options.path_template,
          suffix: cmd.request_id.replace(/^req_/, ''),
          signal: controller.signal,
          placed: placedKeys,
        };
        const placed = await placeFile(this.media, result.tempPath, resolveFilePath(cmd, result, this.clock.now()), placement);
        const files = await placeSidecars(
          this.media,
          workDir,
          { ...placed, mimeType: result.mimeType },
          result.sidecars ?? [],
          this.generatedSidecars(cmd, result),
          {
            ...placement,
            publicBaseUrl: this.config.publicBaseUrl,
          },
        );
        const completed: DownloadCompleted = {
          ...base,
          file_info: {
            filename: basename(placed.filepath),
            filepath: placed.filepath,
            size_bytes: placed.size,
            // unsigned: the gateway and the webhook sender sign it when they hand it out
            download_url: fileUrl(this.config.publicBaseUrl, placed.filepath),
            ...(result.mimeType ? { mime_type: result.mimeType } : {}),
            // only when there is more than the media: a plain job's file_info stays as SPEC §3 shows it
            ...(files.length > 1 ? { files } : {}),
          },
          metadata: result.metadata,
          completed_at: '',
          logs,
        };
        bytesTotal.inc(placed.size);
        final = { type: ROUTING_KEYS.downloadCompleted, data: completed };
      } catch (err) {
        if (controller.signal.reason instanceof WorkerShuttingDown) {
          // stopped by SIGTERM after the grace period: another replica runs it from the start
          clearTimeout(startedCap);
          await progressChain.catch(() => undefined);
          log.warn({ event: 'download.requeued' }, 'download stopped by shutdown: back to the queue');
          return 'requeue';
        }
        let e = err instanceof DownloadError ? err : new DownloadError('internal_error', `Internal error: ${(err as Error)?.message ?? String(err)}`);
        if (e.code !== 'cancelled') {
          // whatever step failed, an unusable store is the cause to report (and this worker pauses)
          const storeReason = await this.store.confirmFailure();
          if (storeReason) e = new DownloadError('storage_error', `Media store unusable: ${storeReason}`);
        }
        if (e.code === 'cancelled' && placedKeys.length > 0) {
          // cancelled between two uploads: the files already stored go too (a cancelled job keeps none)
          for (const key of placedKeys)
            await this.media
              .delete(key)
              .catch((delErr: unknown) => log.warn({ err: errorFields(delErr), filepath: key }, "could not remove a cancelled job's file"));
        }
        if (e.code === 'storage_error' || e.code === 'internal_error') log.error({ err: errorFields(err), error_code: e.code }, 'download step failed');
        onLog(`ERROR: ${e.message}`);
        final =
          e.code === 'cancelled'
            ? { type: ROUTING_KEYS.downloadCancelled, data: { ...base, completed_at: '', reason: e.message, logs } }
            : { type: ROUTING_KEYS.downloadFailed, data: { ...base, error: e.message, error_code: e.code, completed_at: '', logs } };
      }
      publishStarted();
      await progressChain;
      if (startedFailure !== undefined) throw startedFailure;
      // a publish failure here throws: the job is requeued, never reported as failed
      final.data.completed_at = this.now();
      await this.events.send(final, cmd.request_id);
      const outcome = OUTCOME_OF[final.type];
      jobsTotal.inc({ outcome });
      if (final.type === ROUTING_KEYS.downloadFailed) failuresTotal.inc({ error_code: final.data.error_code });
      durationSeconds.observe({ outcome }, (this.clock.nowMs() - startedMs) / 1000);
      log.info({ event: final.type }, `download ${outcome}`);
      return 'ack';
    } finally {
      clearTimeout(timer);
      clearTimeout(startedCap);
      activeDownloads.dec();
      this.running.finish(cmd.request_id);
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      await cookies?.dispose().catch(() => undefined);
    }
  }

  /** The `.nfo` when asked (`write_nfo`): Kodi/Jellyfin read it beside the media. */
  private generatedSidecars(cmd: DownloadRequested, result: DownloadResult): GeneratedSidecar[] {
    if (!cmd.options.write_nfo) return [];
    const src = cmd.options.source;
    return [
      {
        kind: 'nfo',
        suffix: '.nfo',
        content: buildNfo({ metadata: result.metadata, id: cmd.request_id.replace(/^req_/, ''), title: src?.title, uploadDate: src?.upload_date }),
      },
    ];
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async publish<K extends DownloadEventKey>(type: K, data: MessageInput<K>, requestId: string): Promise<void> {
    await this.events.publish(type, data, requestId);
  }
}

/** Most bytes of log lines a progress event carries. */
const LIVE_LOG_BYTES = 64 * 1024;

/** The last lines (at most LIVE_LOG_LINES, about LIVE_LOG_BYTES) of the job's log so far. */
export function liveTail(logs: readonly string[]): string[] {
  const out: string[] = [];
  let bytes = 0;
  for (let i = logs.length - 1; i >= 0 && out.length < LIVE_LOG_LINES; i--) {
    bytes += logs[i].length + 1;
    if (bytes > LIVE_LOG_BYTES && out.length > 0) break;
    out.push(logs[i]);
  }
  return out.reverse();
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export { defaultFilePath };
