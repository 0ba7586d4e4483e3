import { chooseTier, classify, parseRetryAfter } from './retry-policy';

describe('classify', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'permanent'],
    [302, 'permanent'],
    [307, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
  ])('HTTP %i is %s', (statusCode, verdict) => {
    expect(classify({ kind: 'response', statusCode, retryAfterSec: null }).verdict).toBe(verdict);
  });

  it.each([
    ['timeout', 'retry'],
    ['connection_refused', 'retry'],
    ['connection_reset', 'retry'],
    ['dns_failure', 'retry'],
    ['network_error', 'retry'],
    ['forbidden_address', 'permanent'],
    ['invalid_url', 'permanent'],
  ])('network error %s is %s', (code, verdict) => {
    expect(classify({ kind: 'network', code }).verdict).toBe(verdict);
  });
});

describe('chooseTier', () => {
  it('doubles from 1 s: retry n uses tier n', () => {
    expect([1, 2, 3, 4, 10].map((r) => chooseTier(r, null))).toEqual([1, 2, 3, 4, 10]);
  });
  it('never goes past the last tier', () => {
    expect(chooseTier(11, null)).toBe(10);
  });
  it('honours a longer Retry-After with the first tier at least that long', () => {
    expect(chooseTier(1, 3)).toBe(3); // 4 s tier
    expect(chooseTier(1, 4)).toBe(3);
    expect(chooseTier(1, 5)).toBe(4); // 8 s
    expect(chooseTier(3, 2)).toBe(3); // shorter than the tier: the tier wins
  });
  it('caps Retry-After at the longest tier', () => {
    expect(chooseTier(1, 100000)).toBe(10);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
