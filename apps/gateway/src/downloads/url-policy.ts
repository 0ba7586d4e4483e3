import { Inject, Injectable } from '@nestjs/common';
import { checkUrlSyntax } from '@mda/net-guard';
import { ApiError } from '../common/api-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';

/** Submit-time URL check (scheme, credentials, private literals). The worker and sender check again at dial time. */
@Injectable()
export class UrlPolicy {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  assertAllowed(url: string, field: string): void {
    const r = checkUrlSyntax(url, this.config.egressPolicy);
    if (r.ok) return;
    const code = r.code === 'forbidden_address' ? 'forbidden_address' : 'invalid_url';
    throw new ApiError(code, `${field}: ${r.message}`, [{ field, message: r.message }]);
  }
}
