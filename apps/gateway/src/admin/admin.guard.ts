import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { ApiKeyRegistry } from '../common/api-keys';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';

/** Operator routes: an `ADMIN_API_KEYS` key in X-API-Key (client keys are not enough). */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly keys: ApiKeyRegistry;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.keys = new ApiKeyRegistry(config.adminApiKeys);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const presented = ctx.switchToHttp().getRequest<FastifyRequest>().headers['x-api-key'];
    const key = Array.isArray(presented) ? presented[0] : presented;
    if (!this.keys.identify(key)) {
      throw new ApiError(
        'unauthorized',
        key ? 'This route needs an operator key (ADMIN_API_KEYS)' : 'Missing API key: send an operator key in the X-API-Key header',
      );
    }
    return true;
  }
}
