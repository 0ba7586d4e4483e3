import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientAddressLimits } from './client-address.limits';
import { FilesRateLimitGuard } from './files-rate-limit.guard';
import { RateLimitGuard } from './rate-limit.guard';

/**
 * Per-key request limits (a global guard: it runs after AppModule's ApiKeyGuard, whose APP_GUARD
 * is the root module's and so registered first) and per-address limits for key checks and /files.
 */
@Module({
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, ClientAddressLimits, FilesRateLimitGuard],
  exports: [ClientAddressLimits, FilesRateLimitGuard],
})
export class RateLimitModule {}
