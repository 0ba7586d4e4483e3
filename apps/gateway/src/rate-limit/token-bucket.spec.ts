import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows the whole burst at once, then refuses with the wait for one token', () => {
    const b = new TokenBuckets(2, 5);
    const takes = Array.from({ length: 6 }, () => b.take('k', 1000));
    expect(takes.map((t) => t.allowed)).toEqual([true, true, true, true, true, false]);
    expect(takes[0]).toEqual({ allowed: true, remaining: 4, resetSec: 1, retryAfterSec: 0 });
    expect(takes[5]).toMatchObject({ allowed: false, remaining: 0, retryAfterSec: 1, resetSec: 3 });
  });

  it('refills at rps and never above the burst', () => {
    const b = new TokenBuckets(2, 5);
    for (let i = 0; i < 5; i++) b.take('k', 0);
    expect(b.take('k', 400).allowed).toBe(false);
    expect(b.take('k', 500).allowed).toBe(true);
    expect(b.take('k', 100_000).remaining).toBe(4);
  });

  it('keeps keys apart and tells slow rates how long to wait', () => {
    const b = new TokenBuckets(0.1, 1);
    expect(b.take('a', 0).allowed).toBe(true);
    expect(b.take('b', 0).allowed).toBe(true);
    expect(b.take('a', 0)).toMatchObject({ allowed: false, retryAfterSec: 10 });
  });

  it('peeks without spending', () => {
    const b = new TokenBuckets(1, 2);
    expect(b.peek('k', 0)).toMatchObject({ allowed: true, remaining: 2 });
    b.take('k', 0);
    b.take('k', 0);
    expect(b.peek('k', 0)).toMatchObject({ allowed: false, retryAfterSec: 1 });
    expect(b.peek('k', 0).allowed).toBe(false);
    expect(b.peek('k', 1000)).toMatchObject({ allowed: true, remaining: 1 });
  });
});
