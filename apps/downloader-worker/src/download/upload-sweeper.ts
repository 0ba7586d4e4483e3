import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import type { MediaStore } from '@mda/media-store';
import { Logger, errorFields } from '@mda/observability';
import type { WorkArea } from './ports/work-area';

export interface UploadSweepSettings {
  /** Incomplete uploads started longer ago than this are abandoned (UPLOAD_SWEEP_AGE_SEC, never below the job time limit). */
  ageSec: number;
  /** How often the sweep runs after the one at start (UPLOAD_SWEEP_INTERVAL_SEC). */
  intervalSec: number;
}

/**
 * Aborts the incomplete uploads a crashed worker left in the store, at start and then every
 * interval. Every upload belongs to a job, and a job (download and upload) is stopped at
 * DOWNLOAD_TIMEOUT_SEC, so an upload older than the sweep age (that limit plus slack) has no live
 * writer on any replica; younger ones may be another worker's, in progress, and are left alone.
 * The sweep must repeat: a worker restarted right after a crash finds that crash's upload still
 * too young at its start, and no worker may restart for days (the bucket's lifecycle rule is the net).
 * At start it also removes the job folders a stopped worker left in its work area, by the same age.
 */
export class UploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly store: MediaStore,
    private readonly settings: UploadSweepSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly workArea?: WorkArea,
  ) {}

  /** The uploads started before now − age are aborted; returns how many. A sweep still running is joined, not doubled. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  onApplicationBootstrap(): void {
    // in the background: an unreachable store must not hold the worker's start (the store monitor reports it)
    this.sweepInBackground();
    void this.sweepWorkArea().catch((err: unknown) => this.logger.warn({ err: errorFields(err) }, 'could not sweep the work area'));
    this.timer = setInterval(() => this.sweepInBackground(), this.settings.intervalSec * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweepOnce(): Promise<number> {
    const before = new Date(this.clock.nowMs() - this.settings.ageSec * 1000);
    const n = await this.store.abortIncompleteUploads(before);
    if (n > 0)
      this.logger.info({ event: 'store.uploads_swept', aborted: n, before: before.toISOString() }, 'aborted incomplete uploads left by a stopped worker');
    return n;
  }

  /** The work folders last changed before now − age (no job runs that long) are removed; returns how many. */
  async sweepWorkArea(): Promise<number> {
    if (!this.workArea) return 0;
    const before = new Date(this.clock.nowMs() - this.settings.ageSec * 1000);
    const n = await this.workArea.sweep(before);
    if (n > 0) this.logger.info({ event: 'work_area.swept', removed: n, before: before.toISOString() }, 'removed work folders left by a stopped worker');
    return n;
  }

  private sweepInBackground(): void {
    void this.sweep().catch((err: unknown) =>
      this.logger.warn({ err: errorFields(err) }, 'could not sweep incomplete uploads; the next sweep retries, the bucket lifecycle rule is the net'),
    );
  }
}
