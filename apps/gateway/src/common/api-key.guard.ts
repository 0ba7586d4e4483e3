import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { ClientAddressLimits } from '../rate-limit/client-address.limits';
import { ApiKeyIdentity, ApiKeyRegistry } from './api-keys';

export const PUBLIC_ROUTE = 'mda:public';
/** Marks a route that needs no API key (health, metrics, signed file URLs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

type AuthedRequest = FastifyRequest & { identity?: ApiKeyIdentity };

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

/** The caller's identity (set by ApiKeyGuard). */
export const Identity = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().identity;
});
