import { Clock } from '@mda/contracts';
import { RateLimitName, RateLimiter, RateLimiters } from '../ports/rate-limiters';
import { Take, TokenBuckets } from '../token-bucket';

/** Token buckets in this process: each replica has its own (N replicas allow up to N times the rate). */
export class MemoryRateLimiter extends RateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    readonly rps: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    super();
    this.buckets = new TokenBuckets(rps, burst);
  }

  async take(key: string): Promise<Take> {
    return this.buckets.take(key, this.clock.nowMs());
  }

  async peek(key: string): Promise<Take> {
    return this.buckets.peek(key, this.clock.nowMs());
  }
}

export class MemoryRateLimiters extends RateLimiters {
  constructor(private readonly clock: Clock) {
    super();
  }

  limiter(_name: RateLimitName, rps: number, burst: number): MemoryRateLimiter {
    return new MemoryRateLimiter(rps, burst, this.clock);
  }
}
