import { Injectable } from '@nestjs/common';
import { Clock, DownloadRequested, LIVE_LOG_LINES, METRICS, MediaMetadata, Message, MessageInput, Progress, ROUTING_KEYS } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger, counterOf, errorFields, gaugeOf, histogramOf, zeroLabels } from '@mda/observability';
import type { FileInfo } from './media-placement';
import { DOWNLOAD_ERROR_CODES, DownloadError } from './ports/media-downloader';
import { ProgressThrottle } from './progress-throttle';

const jobsTotal = counterOf(METRICS.jobs);
const failuresTotal = counterOf(METRICS.jobFailures);
const activeDownloads = gaugeOf(METRICS.activeDownloads);
const durationSeconds = histogramOf(METRICS.downloadDuration);
const bytesTotal = counterOf(METRICS.downloadBytes);
zeroLabels(
  METRICS.jobFailures,
  DOWNLOAD_ERROR_CODES.filter((c) => c !== 'cancelled').map((error_code) => ({ error_code })),
);

type FinalEventType = typeof ROUTING_KEYS.downloadCompleted | typeof ROUTING_KEYS.downloadFailed | typeof ROUTING_KEYS.downloadCancelled;
type DownloadEventKey = typeof ROUTING_KEYS.downloadStarted | typeof ROUTING_KEYS.downloadProgress | FinalEventType;
/** A job's last event: completed, failed or cancelled. */
export type FinalEvent = Message<FinalEventType>;
const OUTCOME_OF = {
  [ROUTING_KEYS.downloadCompleted]: 'completed',
  [ROUTING_KEYS.downloadFailed]: 'failed',
  [ROUTING_KEYS.downloadCancelled]: 'cancelled',
} as const satisfies Record<FinalEventType, string>;

const MAX_LOG_LINES = 500;
/** Longest download.started waits for the downloader to say what the media is (a slow extractor must not keep the job looking queued). */
export const STARTED_WAIT_MS = 15_000;
/** Most bytes of log lines a progress event carries. */
const LIVE_LOG_BYTES = 64 * 1024;

/** The reporting step: a job's events (started, throttled progress, final) and its metrics. */
@Injectable()
export class JobReporter {
  constructor(
    private readonly events: EventPublisher,
    private readonly clock: Clock,
  ) {}

  /** A job cancelled while it waited in the queue: reported cancelled, never started. */
  async cancelledWhileQueued(cmd: DownloadRequested): Promise<void> {
    const reason = 'Cancelled while queued: not started';
    const data = { ...baseOf(cmd), completed_at: this.clock.now().toISOString(), reason, logs: [reason] };
    await this.events.publish(ROUTING_KEYS.downloadCancelled, data, cmd.request_id);
  }

  /** Starts reporting a job that runs now. */
  open(cmd: DownloadRequested, log: Logger): JobReport {
    return new JobReport(this.events, this.clock, cmd, log);
  }
}

/**
 * One running job's reporting. download.started waits (briefly) for what the media is, so the job
 * has its title, uploader, duration and thumbnail from its start; progress events are published in
 * order after it, never awaited on the download's hot path; the final event waits for them all.
 */
export class JobReport {
  readonly logs: string[] = [];
  private newLines = false;
  private metadata: MediaMetadata | undefined;
  private readonly throttle: ProgressThrottle;
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;
  private startedFailure: unknown;
  private readonly startedCap: NodeJS.Timeout;
  private readonly startedMs: number;
  private readonly base: ReturnType<typeof baseOf>;

  constructor(
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly cmd: DownloadRequested,
    private readonly log: Logger,
  ) {
    this.base = baseOf(cmd);
    this.throttle = new ProgressThrottle(() => clock.nowMs());
    this.startedMs = clock.nowMs();
    this.startedCap = setTimeout(() => this.publishStarted(), STARTED_WAIT_MS);
    activeDownloads.inc();
  }

  /** One line of the job's log (kept for its events, bounded). */
  readonly onLog = (line: string): void => {
    this.logs.push(line.slice(0, 2000));
    if (this.logs.length > MAX_LOG_LINES) this.logs.shift();
    this.newLines = true;
  };

  readonly onMetadata = (m: MediaMetadata): void => {
    this.metadata = m;
    this.publishStarted();
  };

  readonly onProgress = (p: Progress): void => {
    this.publishStarted();
    if (!this.throttle.accept(p)) return;
    // while it runs, the job's /logs and its metadata come with the (throttled) progress events:
    // the log tail when new lines came, the metadata once
    const live = { ...(this.newLines ? { logs: liveTail(this.logs) } : {}), ...(this.metadata ? { metadata: this.metadata } : {}) };
    this.newLines = false;
    this.metadata = undefined;
    this.chain = this.chain.then(() =>
      this.publish(ROUTING_KEYS.downloadProgress, { ...this.base, progress: p, ...live }).catch((err: unknown) =>
        this.log.warn({ err: errorFields(err).message }, 'progress event not published'),
      ),
    );
  };

  completed(fileInfo: FileInfo, metadata: MediaMetadata): FinalEvent {
    bytesTotal.inc(fileInfo.size_bytes);
    return { type: ROUTING_KEYS.downloadCompleted, data: { ...this.base, file_info: fileInfo, metadata, completed_at: '', logs: this.logs } };
  }

  /** The final event of a job that stopped with `e`: cancelled, or failed with its class. */
  failed(e: DownloadError): FinalEvent {
    this.onLog(`ERROR: ${e.message}`);
    return e.code === 'cancelled'
      ? { type: ROUTING_KEYS.downloadCancelled, data: { ...this.base, completed_at: '', reason: e.message, logs: this.logs } }
      : { type: ROUTING_KEYS.downloadFailed, data: { ...this.base, error: e.message, error_code: e.code, completed_at: '', logs: this.logs } };
  }

  /**
   * Publishes the final event after download.started and every progress event. Throws when any
   * of those could not be published (started, or the final event): the job goes back to the queue
   * and is never reported as failed.
   */
  async finish(final: FinalEvent): Promise<void> {
    this.publishStarted();
    await this.chain;
    if (this.startedFailure !== undefined) throw this.startedFailure;
    final.data.completed_at = this.clock.now().toISOString();
    await this.events.send(final, this.cmd.request_id);
    const outcome = OUTCOME_OF[final.type];
    jobsTotal.inc({ outcome });
    if (final.type === ROUTING_KEYS.downloadFailed) failuresTotal.inc({ error_code: final.data.error_code });
    durationSeconds.observe({ outcome }, (this.clock.nowMs() - this.startedMs) / 1000);
    this.log.info({ event: final.type }, `download ${outcome}`);
  }

  /** No final event (the job goes back to the queue): waits for the events under way. */
  async abandon(): Promise<void> {
    clearTimeout(this.startedCap);
    this.started = true;
    await this.chain.catch(() => undefined);
  }

  /** The job is over here: no more events. */
  close(): void {
    clearTimeout(this.startedCap);
    activeDownloads.dec();
  }

  private publishStarted(): void {
    if (this.started) return;
    this.started = true;
    clearTimeout(this.startedCap);
    const early = this.metadata;
    this.metadata = undefined;
    this.chain = this.chain.then(() =>
      this.publish(ROUTING_KEYS.downloadStarted, { ...this.base, started_at: this.clock.now().toISOString(), ...(early ? { metadata: early } : {}) }).then(
        () => this.log.info({ event: 'download.started', url_host: safeHost(this.cmd.url) }, 'download started'),
        // thrown before the final event: the job goes back to the queue
        (err: unknown) => void (this.startedFailure ??= err),
      ),
    );
  }

  private async publish<K extends DownloadEventKey>(type: K, data: MessageInput<K>): Promise<void> {
    await this.events.publish(type, data, this.cmd.request_id);
  }
}

function baseOf(cmd: DownloadRequested) {
  return { request_id: cmd.request_id, url: cmd.url, webhook: cmd.webhook, batch_id: cmd.batch_id ?? null };
}

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
