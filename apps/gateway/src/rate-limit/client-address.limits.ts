import { Inject, Injectable } from '@nestjs/common';
import { ADDRESS_LIMITS, Clock, METRICS } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { Take, TokenBuckets } from './token-bucket';

type AddressLimit = (typeof ADDRESS_LIMITS)[number];

// its label sets start at 0 with the catalogue (initialiseMetrics)
const limited = counterOf(METRICS.httpAddressRateLimited);

/**
 * Limits keyed by the client's address (the socket's, unless TRUST_PROXY names the proxy in
 * front): failed API-key checks, so keys cannot be guessed at speed, and `/files`, which signed
 * links open to callers without a key. Per replica, like the per-key limit.
 */
@Injectable()
export class ClientAddressLimits {
  private readonly authFailures: TokenBuckets;
  private readonly files: TokenBuckets;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly clock: Clock,
  ) {
    this.authFailures = new TokenBuckets(config.authFailureRps, config.authFailureBurst);
    this.files = new TokenBuckets(config.filesRps, config.filesBurst);
  }

  /**
   * Called before a presented key is checked: once an address has used up its failures, every
   * key it presents is refused, the right one too, or the answer would tell right from wrong.
   */
  assertMayPresentKey(address: string): void {
    const t = this.authFailures.peek(address, this.clock.nowMs());
    if (!t.allowed) throw refusal('auth_failures', t, `Too many failed API-key checks from this address; retry in ${t.retryAfterSec} s`);
  }

  recordFailedKey(address: string): void {
    this.authFailures.take(address, this.clock.nowMs());
  }

  assertMayFetchFile(address: string): void {
    const t = this.files.take(address, this.clock.nowMs());
    if (!t.allowed) {
      throw refusal('files', t, `Too many file requests from this address: ${this.files.rps}/s (bursts of ${this.files.burst}); retry in ${t.retryAfterSec} s`);
    }
  }
}

function refusal(limit: AddressLimit, t: Take, message: string): ApiError {
  limited.inc({ limit });
  return new ApiError('rate_limited', message, undefined, { 'Retry-After': String(t.retryAfterSec) });
}
