import type { Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientAddressLimits } from './client-address.limits';
import { FilesRateLimitGuard } from './files-rate-limit.guard';
import { RateLimitGuard } from './rate-limit.guard';

/** Must be spread after the APP_GUARD of ApiKeyGuard: guards run in the order they are provided. */
export const RATE_LIMIT_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, ClientAddressLimits, FilesRateLimitGuard],
};
