import { METRICS } from '@mda/contracts';
import { Logger, gaugeOf } from '@mda/observability';
import { JobIntake, MediaStore } from './ports/media-store';

const storeWritable = gaugeOf(METRICS.storeWritable);

/**
 * Whether this worker may take jobs as far as its media store goes. When a job fails because the
 * store is unusable (or the start-up check fails), the worker stops consuming download jobs, so
 * healthy workers take them (or they wait in the queue, visible, never dead-lettered), reports
 * not-ready with the reason, and checks the store every `recheckMs` until it works again.
 */
export class StoreMonitor {
  private unusableReason?: string;
  private intake?: JobIntake;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly store: MediaStore,
    private readonly logger: Logger,
    private readonly recheckMs = 2000,
  ) {
    storeWritable.set(1);
  }

  /** Why the store is unusable now, or undefined when it is usable. */
  get reason(): string | undefined {
    return this.unusableReason;
  }

  /** Connects the job consumer and checks the store once (a worker started on a broken store takes no job). */
  async attach(intake: JobIntake): Promise<void> {
    this.intake = intake;
    const first = await this.store.check();
    if (!first.usable) await this.markUnusable(first.reason);
  }

  /** After a job step failed: is the store the cause? If so, stop taking jobs. Returns the reason, if any. */
  async confirmFailure(): Promise<string | undefined> {
    if (this.unusableReason) return this.unusableReason;
    const c = await this.store.check();
    if (c.usable) return undefined;
    await this.markUnusable(c.reason);
    return c.reason;
  }

  private async markUnusable(reason: string): Promise<void> {
    if (this.unusableReason) return;
    this.unusableReason = reason;
    storeWritable.set(0);
    this.logger.error({ event: 'store.unusable', reason }, 'media store unusable: no new jobs until it works again');
    await this.intake?.pause().catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'could not pause the job consumer'));
    this.scheduleRecheck();
  }

  private scheduleRecheck(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.recheck(), this.recheckMs);
    this.timer.unref();
  }

  private async recheck(): Promise<void> {
    const c = await this.store.check();
    if (!c.usable) {
      this.unusableReason = c.reason;
      this.scheduleRecheck();
      return;
    }
    this.unusableReason = undefined;
    storeWritable.set(1);
    this.logger.info({ event: 'store.usable' }, 'media store usable again: taking jobs');
    await this.intake?.resume().catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'could not resume the job consumer'));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
