import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Logger, errorFields } from '@mda/observability';
import { RateLimitName, RateLimiter, RateLimiters } from '../ports/rate-limiters';
import type { Take } from '../token-bucket';
import { MemoryRateLimiters } from './memory-rate-limiters';

export interface RedisRateLimitersOptions {
  url: string;
  keyPrefix: string;
  /** A limit check waits at most this long for Redis before the replica's own budget answers. */
  commandTimeoutMs: number;
  /** How long start-up waits for the first connection. */
  connectWaitMs: number;
}

/**
 * One budget for all replicas, kept in Redis by rate-limiter-flexible: at most `burst` requests
 * per window of burst/rps seconds (at least 1 s), so the average is `rps`. While Redis does not
 * answer, each replica falls back to its own token buckets (the insurance limiter): limits stay
 * on, per replica, and a request is never refused for Redis' sake.
 */
export class RedisRateLimiters extends RateLimiters implements OnModuleInit, OnApplicationShutdown {
  readonly redis: Redis;
  private healthy = true;

  constructor(
    private readonly opts: RedisRateLimitersOptions,
    private readonly fallback: MemoryRateLimiters,
    private readonly logger: Logger,
  ) {
    super();
    // no offline queue: a check while disconnected fails at once and the fallback answers
    this.redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: opts.commandTimeoutMs, connectTimeout: 2000 });
    this.redis.on('ready', () => this.recovered());
    this.redis.on('error', (err: Error) => this.failed(err));
  }

  limiter(name: RateLimitName, rps: number, burst: number): RateLimiter {
    const store = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.opts.keyPrefix}rl:${name}`,
      points: burst,
      duration: Math.max(1, Math.round(burst / rps)),
      rejectIfRedisNotReady: true,
    });
    return new RedisRateLimiter(rps, burst, store, this.fallback.limiter(name, rps, burst), (err) => this.failed(err));
  }

  /**
   * Gives Redis a moment to connect before the first request (which would otherwise be limited
   * per replica); a Redis that is down does not hold the start-up back longer than that.
   */
  async onModuleInit(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, this.opts.connectWaitMs);
      this.redis.once('ready', done);
    });
  }

  /** Logged once per outage (ioredis reports every reconnect attempt); never the URL, which may hold a password. */
  private failed(err: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.logger.warn({ err: errorFields(err).message }, 'Redis unavailable: rate limits are per replica until it is back');
  }

  private recovered(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.info('Redis is back: rate limits are shared by all replicas again');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

class RedisRateLimiter extends RateLimiter {
  constructor(
    readonly rps: number,
    readonly burst: number,
    private readonly store: RateLimiterRedis,
    private readonly insurance: RateLimiter,
    private readonly onError: (err: unknown) => void,
  ) {
    super();
  }

  async take(key: string): Promise<Take> {
    try {
      return this.answer(await this.store.consume(key), true);
    } catch (err) {
      if (err instanceof RateLimiterRes) return this.answer(err, false);
      this.onError(err);
      return this.insurance.take(key);
    }
  }

  async peek(key: string): Promise<Take> {
    try {
      const res = await this.store.get(key);
      if (!res) return { allowed: true, remaining: this.burst, resetSec: 0, retryAfterSec: 0 };
      return this.answer(res, res.consumedPoints < this.burst);
    } catch (err) {
      this.onError(err);
      return this.insurance.peek(key);
    }
  }

  private answer(res: RateLimiterRes, allowed: boolean): Take {
    const sec = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return { allowed, remaining: Math.max(0, res.remainingPoints), resetSec: sec, retryAfterSec: allowed ? 0 : sec };
  }
}
