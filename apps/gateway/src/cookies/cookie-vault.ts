import { Inject, Injectable } from '@nestjs/common';
import { CookieKeyError, openCookies, parseCookieKey, sealCookies } from '@mda/contracts';
import { ApiError } from '../common/api-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';

/**
 * Encrypts cookies under COOKIE_ENCRYPTION_KEY. The key is checked when cookies are first used,
 * not at start, so an API without cookies runs without a key; using them without one is a clear 503.
 */
@Injectable()
export class CookieVault {
  private key?: Buffer;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  private getKey(): Buffer {
    if (this.key) return this.key;
    try {
      this.key = parseCookieKey(this.config.cookieEncryptionKey);
      return this.key;
    } catch (err) {
      if (err instanceof CookieKeyError) throw new ApiError('cookies_unavailable', `Cookies are not available: ${err.message}`);
      throw err;
    }
  }

  /** At rest: bound to the cookie record's id. */
  sealAtRest(cookieId: string, text: string): string {
    return sealCookies(this.getKey(), text, `cookies:${cookieId}`);
  }

  /** For one job's command: re-sealed so it opens only for that request id. */
  resealForJob(cookieId: string, sealed: string, requestId: string): string {
    const key = this.getKey();
    return sealCookies(key, openCookies(key, sealed, `cookies:${cookieId}`), requestId);
  }
}
