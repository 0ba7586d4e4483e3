import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clock, METRICS } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { PUBLIC_ROUTE } from '../common/identity';
import type { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { TokenBuckets } from './token-bucket';

const limited = counterOf(METRICS.httpRateLimited);

/**
 * Per API key, in this process (each replica has its own buckets, so N replicas allow up to N
 * times the rate). Runs after ApiKeyGuard; routes without a key (health, metrics, docs) are exempt.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly clock: Clock,
    private readonly reflector: Reflector,
  ) {
    this.buckets = new TokenBuckets(config.rateLimitRps, config.rateLimitBurst);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const http = ctx.switchToHttp();
    const who = http.getRequest<FastifyRequest & { identity?: ApiKeyIdentity }>().identity;
    if (!who) return true;
    const t = this.buckets.take(who.fingerprint, this.clock.nowMs());
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
