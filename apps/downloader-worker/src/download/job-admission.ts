import { Injectable } from '@nestjs/common';
import { CancellationCheck } from './ports/cancellation-check';
import { RunningJobs } from './running-jobs';
import { StoreMonitor } from './store-monitor';

/** Whether a delivered job runs here: `requeue` (this worker cannot take it), `cancelled` (skip it), or `run`. */
export type Admission = { verdict: 'run' } | { verdict: 'requeue'; reason: string } | { verdict: 'cancelled' };

/** The checks before a job starts: a usable media store, and no cancel for it. */
@Injectable()
export class JobAdmission {
  constructor(
    private readonly store: StoreMonitor,
    private readonly running: RunningJobs,
    private readonly cancellations: CancellationCheck,
  ) {}

  async admit(requestId: string): Promise<Admission> {
    // delivered before the consumer was paused: back to the queue for a worker whose store works
    const storeReason = this.store.reason;
    if (storeReason) return { verdict: 'requeue', reason: storeReason };
    // cancelled while queued: this replica saw the cancel, or the job store says so (a replica
    // started after the cancel never saw it)
    if (this.running.wasCancelled(requestId) || (await this.cancellations.wasCancelled(requestId))) return { verdict: 'cancelled' };
    return { verdict: 'run' };
  }
}
