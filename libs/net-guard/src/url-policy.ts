import { isIP } from 'node:net';
import { EgressPolicy } from './egress-policy';

export type UrlRejectionCode = 'invalid_url' | 'unsupported_scheme' | 'forbidden_address' | 'credentials_in_url';

export type UrlCheckResult = { ok: true; url: URL } | { ok: false; code: UrlRejectionCode; message: string };

/**
 * Quick submit-time check, no DNS: scheme, embedded credentials, and hosts that are plainly
 * private (IP literals, localhost). Hostnames are checked again when dialled (guarded agent),
 * which is the check that actually matters. Messages name the host, never the full URL, since
 * paths and queries may carry tokens.
 */
export function checkUrlSyntax(raw: string, policy: EgressPolicy): UrlCheckResult {
  let url: URL;
  try {
    // The WHATWG parser normalises 2130706433, 0x7f.1, 017700000001 and 127.1 to 127.0.0.1.
    url = new URL(raw);
  } catch {
    return reject('invalid_url', 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return reject('unsupported_scheme', `scheme "${url.protocol}" is not allowed; use http or https`);
  }
  if (url.username !== '' || url.password !== '') {
    return reject('credentials_in_url', 'URLs must not embed a user name or password');
  }
  if (url.hostname === '') return reject('invalid_url', 'URL has no host');
  if (policy.allowPrivate) return { ok: true, url };

  const host = bareHost(url.hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return reject('forbidden_address', `refusing to connect to ${host}: it is a loopback name`);
  }
  if (isIP(host) !== 0) {
    const verdict = policy.check(host);
    if (verdict.forbidden) return reject('forbidden_address', `refusing to connect to ${host}: address is in a forbidden range (${verdict.range})`);
  }
  return { ok: true, url };
}

/** `[::1]` → `::1`; `Localhost.` → `localhost` (a trailing dot still resolves the same name). */
export function bareHost(hostname: string): string {
  const unbracketed = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return unbracketed.replace(/\.+$/, '').toLowerCase();
}

function reject(code: UrlRejectionCode, message: string): UrlCheckResult {
  return { ok: false, code, message };
}
