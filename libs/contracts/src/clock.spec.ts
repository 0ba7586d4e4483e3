import { RandomIdGenerator, randomToken } from './clock';

describe('randomToken', () => {
  it('gives the asked length from lowercase letters and digits', () => {
    for (const length of [1, 16, 20, 300]) expect(randomToken(length)).toMatch(new RegExp(`^[a-z0-9]{${length}}$`));
  });

  it('does not repeat across many draws (several refills of the byte pool)', () => {
    const seen = new Set(Array.from({ length: 20_000 }, () => randomToken(16)));
    expect(seen.size).toBe(20_000);
  });

  it('uses every character about equally often', () => {
    const counts = new Map<string, number>();
    for (const ch of randomToken(360_000)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(36);
    // 10,000 expected each; a biased modulo (no rejection of 252..255) would put a..d near 11,200
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(600);
  });
});

describe('RandomIdGenerator', () => {
  it('makes the prefixed ids of SPEC §3', () => {
    const ids = new RandomIdGenerator();
    expect(ids.requestId()).toMatch(/^req_[a-z0-9]{16}$/);
    expect(ids.batchId()).toMatch(/^batch_[a-z0-9]{16}$/);
    expect(ids.messageId()).toMatch(/^msg_[a-z0-9]{20}$/);
  });
});
