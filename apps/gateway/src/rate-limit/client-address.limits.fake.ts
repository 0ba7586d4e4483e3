import type { Provider } from '@nestjs/common';
import { SystemClock } from '@mda/contracts';
import type { GatewayConfig } from '../config/gateway-config';
import { MemoryRateLimiters } from './adapters/memory-rate-limiters';
import { ClientAddressLimits } from './client-address.limits';

/** For specs of other features that mount ApiKeyGuard: address limits nobody reaches. */
export function openClientAddressLimits(): Provider {
  const roomy = { authFailureRps: 1_000_000, authFailureBurst: 1_000_000, filesRps: 1_000_000, filesBurst: 1_000_000 } as GatewayConfig;
  return { provide: ClientAddressLimits, useValue: new ClientAddressLimits(roomy, new MemoryRateLimiters(new SystemClock())) };
}
