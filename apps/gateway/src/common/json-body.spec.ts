import { nestsDeeperThan, parseJsonBody as parseBytes } from './json-body';

const parseJsonBody = (text: string) => parseBytes(Buffer.from(text));

describe('parseJsonBody', () => {
  it('parses JSON and treats an empty or blank body as no body', () => {
    expect(parseJsonBody('{"url":"http://a/b","n":[1,{"x":null}]}')).toEqual({ ok: true, value: { url: 'http://a/b', n: [1, { x: null }] } });
    expect(parseJsonBody('')).toEqual({ ok: true, value: undefined });
    expect(parseJsonBody(' \r\n')).toEqual({ ok: true, value: undefined });
  });

  it('refuses bodies nested deeper than the limit, quickly and without recursion', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const started = process.hrtime.bigint();
    const r = parseJsonBody(deep);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/deeper than 32 levels/) });
    expect(parseJsonBody('{"a":'.repeat(33) + '1' + '}'.repeat(33)).ok).toBe(false);
    expect(parseJsonBody('{"a":'.repeat(32) + '1' + '}'.repeat(32)).ok).toBe(true);
    // an unterminated deep prefix is refused the same way
    expect(parseJsonBody('['.repeat(1000)).ok).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: '[[[[[[[[' })), 2)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: 'a"[[[[\\"[[[[' })), 2)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"s":"\\\\"}'), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"s":"\\\\","t":[[1]]}'), 2)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('["\\u005b", [1]]'), 2)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ s: 'été [[[ 日本 "' })), 1)).toBe(false);
    expect(parseJsonBody('{"title":"été 日本"}')).toEqual({ ok: true, value: { title: 'été 日本' } });
  });

  it.each([
    ['{"__proto__":{"admin":true}}', '__proto__'],
    ['{"a":[{"\\u005f_proto__":{}}]}', '__proto__'],
    ['{"constructor":{"prototype":{"admin":true}}}', 'constructor.prototype'],
  ])('refuses prototype poisoning in %s', (text, key) => {
    expect(parseJsonBody(text)).toEqual({ ok: false, message: `Request body contains a forbidden "${key}" key` });
  });

  it('allows a plain "constructor" field and refuses text that is not JSON', () => {
    expect(parseJsonBody('{"constructor":"x"}').ok).toBe(true);
    expect(parseJsonBody('{"a":1,}')).toEqual({ ok: false, message: 'Request body is not valid JSON' });
    expect(parseJsonBody('{"a":1} x').ok).toBe(false);
  });
});
