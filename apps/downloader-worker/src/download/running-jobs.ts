import { Injectable } from '@nestjs/common';
import { DownloadError } from './ports/media-downloader';

/**
 * Jobs running on this replica (to cancel them) and ids cancelled before they arrived here
 * (remembered for a day, bounded).
 */
@Injectable()
export class RunningJobs {
  private readonly running = new Map<string, AbortController>();
  private readonly cancelledEarly = new Map<string, number>();

  private readonly maxRemembered = 10_000;

  start(requestId: string): AbortController {
    const c = new AbortController();
    this.running.set(requestId, c);
    return c;
  }

  finish(requestId: string): void {
    this.running.delete(requestId);
  }

  /** Returns true when the job runs here and was told to stop. */
  cancel(requestId: string, nowMs: number): boolean {
    const c = this.running.get(requestId);
    if (c) {
      c.abort(new DownloadError('cancelled', 'Cancelled by request'));
      return true;
    }
    this.cancelledEarly.set(requestId, nowMs);
    if (this.cancelledEarly.size > this.maxRemembered) {
      const oldest = this.cancelledEarly.keys().next().value;
      if (oldest) this.cancelledEarly.delete(oldest);
    }
    return false;
  }

  wasCancelled(requestId: string): boolean {
    return this.cancelledEarly.has(requestId);
  }

  get size(): number {
    return this.running.size;
  }
}
