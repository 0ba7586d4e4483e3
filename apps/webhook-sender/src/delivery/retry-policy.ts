import { MAX_RETRY_TIERS, retryTierDelaySec } from '@mda/contracts';

export type AttemptResult = { kind: 'response'; statusCode: number; retryAfterSec: number | null } | { kind: 'network'; code: string };

export type Classification = { verdict: 'delivered' } | { verdict: 'retry'; reason: string } | { verdict: 'permanent'; reason: string };

/**
 * The seed's status handling: 2xx delivered; 5xx and timeouts retried; 4xx permanent.
 * Additions: 408 and 429 are retried (they mean "later"), 3xx is permanent (redirects are
 * never followed), a refused private address is permanent, other network errors are retried.
 */
export function classify(r: AttemptResult): Classification {
  if (r.kind === 'network') {
    if (r.code === 'forbidden_address') return { verdict: 'permanent', reason: 'forbidden_address' };
    if (r.code === 'invalid_url') return { verdict: 'permanent', reason: 'invalid_url' };
    return { verdict: 'retry', reason: r.code };
  }
  const s = r.statusCode;
  if (s >= 200 && s < 300) return { verdict: 'delivered' };
  if (s === 408 || s === 429 || s >= 500) return { verdict: 'retry', reason: `http_${s}` };
  if (s >= 300 && s < 400) return { verdict: 'permanent', reason: `redirect_${s}_not_followed` };
  return { verdict: 'permanent', reason: `http_${s}` };
}

/**
 * Which tier carries retry number `retry` (1-based): tier n waits 2^(n-1) s, so the default
 * schedule is 1 s, 2 s, 4 s. A longer Retry-After moves to the first tier at least that long,
 * capped at the longest tier.
 */
export function chooseTier(retry: number, retryAfterSec: number | null): number {
  let tier = Math.min(retry, MAX_RETRY_TIERS);
  if (retryAfterSec !== null && retryAfterSec > retryTierDelaySec(tier)) {
    while (tier < MAX_RETRY_TIERS && retryTierDelaySec(tier) < retryAfterSec) tier++;
  }
  return tier;
}

/** Retry-After as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
