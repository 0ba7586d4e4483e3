import type { Progress } from '@mda/contracts';

/**
 * Lets at most one progress update through per interval, always the first and the 100% one,
 * and never a percent lower than one already let through.
 */
export class ProgressThrottle {
  private lastEmitMs = -Infinity;
  private lastPercent = -1;

  constructor(
    private readonly nowMs: () => number,
    private readonly intervalMs = 1000,
  ) {}

  accept(p: Progress): boolean {
    if (p.percent < this.lastPercent) return false;
    const now = this.nowMs();
    const final = p.percent >= 100 && this.lastPercent < 100;
    if (!final && now - this.lastEmitMs < this.intervalMs) return false;
    if (!final && p.percent === this.lastPercent && now - this.lastEmitMs < this.intervalMs * 5) return false;
    this.lastEmitMs = now;
    this.lastPercent = p.percent;
    return true;
  }
}
