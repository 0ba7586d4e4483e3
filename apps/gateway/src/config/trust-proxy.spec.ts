import { ConfigError } from '@mda/config';
import { loadTrustProxy } from './trust-proxy';

describe('loadTrustProxy', () => {
  it('is off unless set', () => {
    expect(loadTrustProxy({})).toBe(false);
    expect(loadTrustProxy({ TRUST_PROXY: 'false' })).toBe(false);
  });

  it('takes addresses, CIDRs and named ranges', () => {
    expect(loadTrustProxy({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8 ,192.168.1.7' })).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
  });

  it.each(['true', 'proxy.local', '10.0.0.0/33', '1.2.3.4/8/1', 'loopback,nope'])('refuses %p naming TRUST_PROXY', (v) => {
    expect(() => loadTrustProxy({ TRUST_PROXY: v })).toThrow(ConfigError);
    expect(() => loadTrustProxy({ TRUST_PROXY: v })).toThrow(/TRUST_PROXY/);
  });
});
