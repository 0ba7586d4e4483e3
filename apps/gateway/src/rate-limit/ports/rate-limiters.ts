import type { Take } from '../token-bucket';

/** The budgets the gateway limits: per API key, and per client address for failed key checks and /files. */
export type RateLimitName = 'api_key' | 'auth_failures' | 'files';

/** One budget: `burst` requests at once, `rps` a second on average, per key. */
export abstract class RateLimiter {
  abstract readonly rps: number;
  abstract readonly burst: number;
  /** Spends one request of `key`'s budget, if there is one left. */
  abstract take(key: string): Promise<Take>;
  /** What `take` would answer, without spending. */
  abstract peek(key: string): Promise<Take>;
}

/** Where budgets are kept: this replica's memory, or a store all replicas share. */
export abstract class RateLimiters {
  abstract limiter(name: RateLimitName, rps: number, burst: number): RateLimiter;
}
