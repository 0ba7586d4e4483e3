import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { MemoryRateLimiters } from './adapters/memory-rate-limiters';
import { RedisRateLimiters } from './adapters/redis-rate-limiters';
import { ClientAddressLimits } from './client-address.limits';
import { FilesRateLimitGuard } from './files-rate-limit.guard';
import { RateLimiters } from './ports/rate-limiters';
import { RateLimitGuard } from './rate-limit.guard';

/** Budgets in this replica's memory, or in Redis for all replicas when REDIS_URL is set. */
export function rateLimitersFor(config: GatewayConfig, clock: Clock, logger: Logger): RateLimiters {
  const memory = new MemoryRateLimiters(clock);
  if (!config.redisUrl) return memory;
  return new RedisRateLimiters({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, commandTimeoutMs: 500, connectWaitMs: 2000 }, memory, logger);
}

/**
 * Per-key request limits (a global guard: it runs after AppModule's ApiKeyGuard, whose APP_GUARD
 * is the root module's and so registered first) and per-address limits for key checks and /files,
 * their budgets kept by RateLimiters (this replica's memory, or Redis shared by all replicas).
 */
@Module({
  providers: [
    { provide: RateLimiters, inject: [GATEWAY_CONFIG, Clock, GATEWAY_LOGGER], useFactory: rateLimitersFor },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    ClientAddressLimits,
    FilesRateLimitGuard,
  ],
  exports: [ClientAddressLimits, FilesRateLimitGuard],
})
export class RateLimitModule {}
