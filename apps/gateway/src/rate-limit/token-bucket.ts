export interface Take {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSec: number;
  /** Seconds until one token is available (when refused). */
  retryAfterSec: number;
}

/**
 * Per-key token buckets: `burst` tokens at most, refilled at `rps` per second, so a quiet key
 * can send `burst` requests at once and then `rps` a second. Time comes from the caller.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rps: number,
    readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, nowMs: number): Take {
    return this.settle(key, nowMs, true);
  }

  /** What `take` would answer, without spending a token. */
  peek(key: string, nowMs: number): Take {
    return this.settle(key, nowMs, false);
  }

  private settle(key: string, nowMs: number, spend: boolean): Take {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: nowMs };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.rps);
    b.at = nowMs;
    const allowed = b.tokens >= 1;
    if (allowed && spend) b.tokens -= 1;
    return {
      allowed,
      remaining: Math.floor(b.tokens),
      resetSec: Math.ceil((this.burst - b.tokens) / this.rps),
      retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.rps)),
    };
  }
}
