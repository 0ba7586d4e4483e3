import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyIdentity } from './api-keys';

export const PUBLIC_ROUTE = 'mda:public';
/** Marks a route that needs no API key (health, metrics, signed file URLs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** A request once ApiKeyGuard has looked at it. */
export type AuthedRequest = FastifyRequest & { identity?: ApiKeyIdentity };

/** The caller's identity (set by ApiKeyGuard). */
export const Identity = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().identity;
});
