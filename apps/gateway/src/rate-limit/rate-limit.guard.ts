import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { METRICS } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { PUBLIC_ROUTE } from '../common/identity';
import type { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { RateLimiter, RateLimiters } from './ports/rate-limiters';

const limited = counterOf(METRICS.httpRateLimited);

/**
 * Per API key: in this process without REDIS_URL (each replica has its own buckets, so N replicas
 * allow up to N times the rate), shared by all replicas with it. Runs after ApiKeyGuard; routes
 * without a key (health, metrics, docs) are exempt.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: RateLimiter;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    limiters: RateLimiters,
    private readonly reflector: Reflector,
  ) {
    this.buckets = limiters.limiter('api_key', config.rateLimitRps, config.rateLimitBurst);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const http = ctx.switchToHttp();
    const who = http.getRequest<FastifyRequest & { identity?: ApiKeyIdentity }>().identity;
    if (!who) return true;
    const t = await this.buckets.take(who.fingerprint);
    const headers = { 'RateLimit-Limit': String(this.buckets.burst), 'RateLimit-Remaining': String(t.remaining), 'RateLimit-Reset': String(t.resetSec) };
    void http.getResponse<FastifyReply>().headers(headers);
    if (t.allowed) return true;
    limited.inc();
    throw new ApiError(
      'rate_limited',
      `Too many requests: this API key may send ${this.buckets.rps}/s (bursts of ${this.buckets.burst}). Retry in ${t.retryAfterSec} s.`,
      undefined,
      {
        ...headers,
        'Retry-After': String(t.retryAfterSec),
      },
    );
  }
}
