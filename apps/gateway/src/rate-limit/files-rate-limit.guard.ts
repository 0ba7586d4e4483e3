import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientAddressLimits } from './client-address.limits';

/** `/files` per client address (see ClientAddressLimits), whether the caller has a key or a signed link. */
@Injectable()
export class FilesRateLimitGuard implements CanActivate {
  constructor(private readonly limits: ClientAddressLimits) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    await this.limits.assertMayFetchFile(ctx.switchToHttp().getRequest<FastifyRequest>().ip);
    return true;
  }
}
