import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error';
import { ApiKeyRegistry } from '../common/api-keys';
import { AuthedRequest, PUBLIC_ROUTE } from '../common/identity';
import { ClientAddressLimits } from '../rate-limit/client-address.limits';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyRegistry,
    private readonly reflector: Reflector,
    private readonly limits: ClientAddressLimits,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const presented = req.headers['x-api-key'];
    const key = Array.isArray(presented) ? presented[0] : presented;
    // failed checks are counted per client address; past the limit no key is checked at all
    if (key) await this.limits.assertMayPresentKey(req.ip);
    const identity = this.keys.identify(key);
    if (identity) req.identity = identity;
    else if (key) await this.limits.recordFailedKey(req.ip);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    if (!identity) {
      throw new ApiError('unauthorized', presented ? 'Invalid API key' : 'Missing API key: send it in the X-API-Key header');
    }
    return true;
  }
}
