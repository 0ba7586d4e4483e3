/** Backoff after the n-th failure in a row: 30 s doubling up to an hour, with ±20 % jitter. */
export function backoffDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, failures - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * The next run of something repeated every `intervalMs`: the interval ±10 % (at most ±5 minutes),
 * so a thousand subscriptions made together drift apart instead of firing together.
 */
export function jitteredIntervalMs(intervalMs: number, random: () => number = Math.random): number {
  const spread = Math.min(intervalMs * 0.1, 300_000);
  return Math.round(intervalMs - spread + 2 * spread * random());
}
