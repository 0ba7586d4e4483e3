import { apiKeyFingerprint } from '@mda/contracts';
import { ApiKeyRegistry } from './api-keys';

describe('ApiKeyRegistry', () => {
  const reg = new ApiKeyRegistry(['first-key-123', 'second-key-456']);

  it('identifies each configured key by its fingerprint', () => {
    expect(reg.identify('first-key-123')).toEqual({ fingerprint: apiKeyFingerprint('first-key-123') });
    expect(reg.identify('second-key-456')).toEqual({ fingerprint: apiKeyFingerprint('second-key-456') });
  });

  it('refuses missing, wrong, prefixed and extended keys', () => {
    for (const k of [undefined, '', 'first-key-12', 'first-key-1234', 'FIRST-KEY-123', ' first-key-123']) expect(reg.identify(k)).toBeUndefined();
  });

  it('never exposes the key in the fingerprint', () => {
    expect(apiKeyFingerprint('first-key-123')).toMatch(/^[a-f0-9]{16}$/);
    expect(apiKeyFingerprint('first-key-123')).not.toContain('first');
  });
});
