import { OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import type { MediaStore } from '@mda/media-store';
import { Logger, errorFields } from '@mda/observability';
import type { WorkArea } from './ports/work-area';

/** Slack on top of the job time limit: clock skew between hosts, and an upload's last requests. */
const SLACK_MS = 5 * 60_000;

/**
 * At start, aborts the incomplete uploads a crashed worker left in the store, and removes the job
 * folders it left in the work area. Every upload belongs
 * to a job, and a job (download and upload) is stopped at DOWNLOAD_TIMEOUT_SEC, so an upload
 * started longer ago than that (plus slack) has no live writer on any replica; younger ones may
 * be another worker's, in progress, and are left alone (the bucket's lifecycle rule is the net).
 */
export class UploadSweeper implements OnApplicationBootstrap {
  constructor(
    private readonly store: MediaStore,
    private readonly jobTimeoutSec: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly workArea?: WorkArea,
  ) {}

  private cutoff(): Date {
    return new Date(this.clock.nowMs() - this.jobTimeoutSec * 1000 - SLACK_MS);
  }

  /** The uploads started before now − (time limit + slack) are aborted; returns how many. */
  async sweep(): Promise<number> {
    const before = this.cutoff();
    const n = await this.store.abortIncompleteUploads(before);
    if (n > 0)
      this.logger.info({ event: 'store.uploads_swept', aborted: n, before: before.toISOString() }, 'aborted incomplete uploads left by a stopped worker');
    return n;
  }

  /** The work folders last changed before the same cutoff (no job runs that long) are removed; returns how many. */
  async sweepWorkArea(): Promise<number> {
    if (!this.workArea) return 0;
    const before = this.cutoff();
    const n = await this.workArea.sweep(before);
    if (n > 0) this.logger.info({ event: 'work_area.swept', removed: n, before: before.toISOString() }, 'removed work folders left by a stopped worker');
    return n;
  }

  onApplicationBootstrap(): void {
    // in the background: an unreachable store must not hold the worker's start (the store monitor reports it)
    void this.sweep().catch((err: unknown) =>
      this.logger.warn({ err: errorFields(err) }, 'could not sweep incomplete uploads; the bucket lifecycle rule removes them'),
    );
    void this.sweepWorkArea().catch((err: unknown) => this.logger.warn({ err: errorFields(err) }, 'could not sweep the work area'));
  }
}
