import { CookieKeyError, openCookies, parseCookieKey, sealCookies } from './cookie-sealing';

const key = parseCookieKey('a'.repeat(64));

describe('cookie sealing', () => {
  it('round-trips and never carries the plaintext', () => {
    const sealed = sealCookies(key, 'secret-cookie-value', 'req_abc');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('secret');
    expect(openCookies(key, sealed, 'req_abc')).toBe('secret-cookie-value');
    expect(sealCookies(key, 'x', 'a')).not.toBe(sealCookies(key, 'x', 'a'));
  });

  it('refuses another key, other associated data or tampered bytes', () => {
    const sealed = sealCookies(key, 'v', 'req_abc');
    expect(() => openCookies(parseCookieKey('b'.repeat(64)), sealed, 'req_abc')).toThrow();
    expect(() => openCookies(key, sealed, 'req_other')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => openCookies(key, `v1.${raw.toString('base64')}`, 'req_abc')).toThrow();
  });

  it.each([undefined, '', 'zz', 'a'.repeat(63), 'g'.repeat(64)])('rejects key %p with a message naming the variable', (v) => {
    expect(() => parseCookieKey(v)).toThrow(CookieKeyError);
    expect(() => parseCookieKey(v)).toThrow(/COOKIE_ENCRYPTION_KEY/);
  });
});
