import { Injectable } from '@nestjs/common';
import { DownloadError } from './ports/media-downloader';

/** Abort reason when the worker stops before a job finished: the job goes back to the queue, nothing is reported. */
export class WorkerShuttingDown extends Error {
  constructor() {
    super('worker shutting down: job handed back to the queue');
    this.name = 'WorkerShuttingDown';
  }
}

/**
 * Jobs running on this replica (to cancel them) and ids cancelled before they arrived here
 * (remembered for a day, bounded).
 */
@Injectable()
export class RunningJobs {
  private readonly running = new Map<string, AbortController>();
  private readonly cancelledEarly = new Map<string, number>();

  private readonly maxRemembered = 10_000;

  /** Registers a job; if its cancel already arrived, the controller comes back aborted. */
  start(requestId: string): AbortController {
    const c = new AbortController();
    this.running.set(requestId, c);
    if (this.cancelledEarly.has(requestId)) c.abort(cancelledError());
    return c;
  }

  finish(requestId: string): void {
    this.running.delete(requestId);
  }

  /** Returns true when the job runs here and was told to stop. */
  cancel(requestId: string, nowMs: number): boolean {
    // remembered either way: a redelivered copy of a job cancelled here must not start again
    this.cancelledEarly.set(requestId, nowMs);
    if (this.cancelledEarly.size > this.maxRemembered) {
      const oldest = this.cancelledEarly.keys().next().value;
      if (oldest) this.cancelledEarly.delete(oldest);
    }
    const c = this.running.get(requestId);
    if (!c) return false;
    c.abort(cancelledError());
    return true;
  }

  wasCancelled(requestId: string): boolean {
    return this.cancelledEarly.has(requestId);
  }

  /** Stops every running job for shutdown (they are requeued, not failed). */
  abortAll(): number {
    for (const c of this.running.values()) c.abort(new WorkerShuttingDown());
    return this.running.size;
  }

  get size(): number {
    return this.running.size;
  }
}

function cancelledError(): DownloadError {
  return new DownloadError('cancelled', 'Cancelled by request');
}
