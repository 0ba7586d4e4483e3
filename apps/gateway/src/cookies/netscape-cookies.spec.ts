import { parseNetscapeCookies } from './netscape-cookies';

const good = [
  '# Netscape HTTP Cookie File',
  '',
  '.example.com\tTRUE\t/\tTRUE\t1900000000\tsession\tsecret-value',
  '#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc',
  'example.com\tFALSE\t/x\tFALSE\t0\tother\t',
].join('\n');

describe('parseNetscapeCookies', () => {
  it('counts cookies and lists their domains', () => {
    expect(parseNetscapeCookies(good)).toEqual({ cookieCount: 3, domains: ['127.0.0.1', 'example.com'] });
    expect(parseNetscapeCookies(good.replace(/\n/g, '\r\n')).cookieCount).toBe(3);
  });

  it.each([
    ['no cookies', '# Netscape HTTP Cookie File\n', /no cookies found/],
    ['spaces instead of tabs', 'example.com TRUE / TRUE 0 a b', /line 1: expected 7 tab-separated fields, got 1/],
    ['bad flag', 'example.com\tyes\t/\tTRUE\t0\ta\tb', /line 1: include_subdomains/],
    ['bad expiry', '# c\nexample.com\tTRUE\t/\tTRUE\tsoon\ta\tb', /line 2: expiry/],
    ['bad path', 'example.com\tTRUE\tx\tTRUE\t0\ta\tb', /path/],
    ['bad domain', 'exa mple.com\tTRUE\t/\tTRUE\t0\ta\tb', /invalid domain/],
  ])('rejects %s with a message that names the line, not the value', (_n, text, msg) => {
    expect(() => parseNetscapeCookies(text)).toThrow(msg);
    try {
      parseNetscapeCookies(text);
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });
});
