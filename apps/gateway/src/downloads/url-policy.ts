import { Inject, Injectable } from '@nestjs/common';
import { checkUrlSyntax } from '@mda/net-guard';
import { ApiError } from '../common/api-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { findBrokenPercentEscape } from './percent-escapes';

/** Submit-time URL check (scheme, credentials, private literals). The worker and sender check again at dial time. */
@Injectable()
export class UrlPolicy {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  assertAllowed(url: string, field: string): void {
    const r = checkUrlSyntax(url, this.config.allowPrivateNetworks);
    if (r.ok) return this.assertEscapes(url, field);
    const code = r.code === 'forbidden_address' ? 'forbidden_address' : 'invalid_url';
    throw new ApiError(code, `${field}: ${r.message}`, [{ field, message: r.message }]);
  }

  private assertEscapes(url: string, field: string): void {
    const broken = findBrokenPercentEscape(url);
    if (!broken) return;
    const message = `the ${broken.part} has a broken percent-escape "${broken.escape}": % must be followed by two hex digits (write a literal % as %25)`;
    throw new ApiError('invalid_url', `${field}: ${message}`, [{ field, message }]);
  }
}
