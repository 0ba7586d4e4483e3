import { Inject, Injectable } from '@nestjs/common';
import { ADDRESS_LIMITS, METRICS } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { RateLimiter, RateLimiters } from './ports/rate-limiters';
import type { Take } from './token-bucket';

type AddressLimit = (typeof ADDRESS_LIMITS)[number];

// its label sets start at 0 with the catalogue (initialiseMetrics)
const limited = counterOf(METRICS.httpAddressRateLimited);

/**
 * Limits keyed by the client's address (the socket's, unless TRUST_PROXY names the proxy in
 * front): failed API-key checks, so keys cannot be guessed at speed, and `/files`, which signed
 * links open to callers without a key. Per replica, or shared by all replicas with REDIS_URL,
 * like the per-key limit.
 */
@Injectable()
export class ClientAddressLimits {
  private readonly authFailures: RateLimiter;
  private readonly files: RateLimiter;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, limiters: RateLimiters) {
    this.authFailures = limiters.limiter('auth_failures', config.authFailureRps, config.authFailureBurst);
    this.files = limiters.limiter('files', config.filesRps, config.filesBurst);
  }

  /**
   * Called before a presented key is checked: once an address has used up its failures, every
   * key it presents is refused, the right one too, or the answer would tell right from wrong.
   */
  async assertMayPresentKey(address: string): Promise<void> {
    const t = await this.authFailures.peek(address);
    if (!t.allowed) throw refusal('auth_failures', t, `Too many failed API-key checks from this address; retry in ${t.retryAfterSec} s`);
  }

  async recordFailedKey(address: string): Promise<void> {
    await this.authFailures.take(address);
  }

  async assertMayFetchFile(address: string): Promise<void> {
    const t = await this.files.take(address);
    if (!t.allowed) {
      throw refusal('files', t, `Too many file requests from this address: ${this.files.rps}/s (bursts of ${this.files.burst}); retry in ${t.retryAfterSec} s`);
    }
  }
}

function refusal(limit: AddressLimit, t: Take, message: string): ApiError {
  limited.inc({ limit });
  return new ApiError('rate_limited', message, undefined, { 'Retry-After': String(t.retryAfterSec) });
}
