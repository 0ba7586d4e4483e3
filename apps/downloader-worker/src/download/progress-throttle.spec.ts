import { ProgressThrottle } from './progress-throttle';

const p = (percent: number) => ({ percent, downloaded_bytes: percent, total_bytes: 100, speed: 1, eta: 1 });

describe('ProgressThrottle', () => {
  it('lets at most one update a second through, plus the 100% one', () => {
    let now = 0;
    const t = new ProgressThrottle(() => now);
    const passed: number[] = [];
    for (let i = 0; i <= 100; i++) {
      now = i * 37; // an update every 37 ms: 3.7 s in all
      if (t.accept(p(i))) passed.push(now);
    }
    // t=0, ~1 s, ~2 s, ~3 s and the final 100% at 3.7 s
    expect(passed).toEqual([0, 1036, 2072, 3108, 3700]);
    for (let i = 1; i < passed.length - 1; i++) expect(passed[i] - passed[i - 1]).toBeGreaterThanOrEqual(1000);
  });

  it('never lets a lower percent through', () => {
    let now = 0;
    const t = new ProgressThrottle(() => now);
    expect(t.accept(p(50))).toBe(true);
    now = 5000;
    expect(t.accept(p(40))).toBe(false);
    expect(t.accept(p(60))).toBe(true);
  });

  it('sends 100% once', () => {
    let now = 0;
    const t = new ProgressThrottle(() => now);
    expect(t.accept(p(100))).toBe(true);
    now = 10;
    expect(t.accept(p(100))).toBe(false);
  });
});
