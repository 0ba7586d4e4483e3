import { Clock } from '@mda/contracts';
import { ApiError } from '../common/api-error';
import type { GatewayConfig } from '../config/gateway-config';
import { MemoryRateLimiters } from './adapters/memory-rate-limiters';
import { ClientAddressLimits } from './client-address.limits';

class ManualClock extends Clock {
  ms = 0;
  now(): Date {
    return new Date(this.ms);
  }
}

async function refusal(fn: () => Promise<void>): Promise<ApiError | undefined> {
  try {
    await fn();
  } catch (e) {
    return e as ApiError;
  }
  return undefined;
}

describe('ClientAddressLimits', () => {
  const clock = new ManualClock();
  const limits = new ClientAddressLimits(
    { authFailureRps: 0.5, authFailureBurst: 3, filesRps: 1, filesBurst: 2 } as GatewayConfig,
    new MemoryRateLimiters(clock),
  );

  it('lets an address fail its key checks up to the burst, then refuses any key it presents until a token returns', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await refusal(() => limits.assertMayPresentKey('10.0.0.1'))).toBeUndefined();
      await limits.recordFailedKey('10.0.0.1');
    }
    const refused = await refusal(() => limits.assertMayPresentKey('10.0.0.1'));
    expect(refused?.getStatus()).toBe(429);
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.headers['Retry-After']).toBe('2');
    // another address is not affected
    expect(await refusal(() => limits.assertMayPresentKey('10.0.0.2'))).toBeUndefined();
    clock.ms += 2000;
    expect(await refusal(() => limits.assertMayPresentKey('10.0.0.1'))).toBeUndefined();
  });

  it('limits /files per address', async () => {
    expect(await refusal(() => limits.assertMayFetchFile('10.0.0.3'))).toBeUndefined();
    expect(await refusal(() => limits.assertMayFetchFile('10.0.0.3'))).toBeUndefined();
    expect((await refusal(() => limits.assertMayFetchFile('10.0.0.3')))?.headers['Retry-After']).toBe('1');
    expect(await refusal(() => limits.assertMayFetchFile('10.0.0.4'))).toBeUndefined();
  });
});
