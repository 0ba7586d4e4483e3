/** A Netscape cookies file checked line by line (the format yt-dlp's --cookies reads). */
export interface CookieFileSummary {
  cookieCount: number;
  domains: string[];
}

export class NetscapeCookiesError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const BOOL = /^(TRUE|FALSE)$/;

/**
 * Validates the text and summarises it. Messages name line numbers, never cookie values.
 * Lines: `domain  include_subdomains  path  secure  expiry  name  value`, tab-separated;
 * `#HttpOnly_` prefixed domains are cookies, other `#` lines and blank lines are comments.
 */
export function parseNetscapeCookies(text: string): CookieFileSummary {
  const domains = new Set<string>();
  let count = 0;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    if (raw.trim() === '') continue;
    const httpOnly = raw.startsWith('#HttpOnly_');
    if (raw.startsWith('#') && !httpOnly) continue;
    const fields = (httpOnly ? raw.slice('#HttpOnly_'.length) : raw).split('\t');
    if (fields.length !== 7) throw new NetscapeCookiesError(`line ${n}: expected 7 tab-separated fields, got ${fields.length}`, n);
    const [domain, sub, path, secure, expiry, name] = fields;
    if (!/^\.?[A-Za-z0-9.-]+$/.test(domain)) throw new NetscapeCookiesError(`line ${n}: invalid domain`, n);
    if (!BOOL.test(sub) || !BOOL.test(secure)) throw new NetscapeCookiesError(`line ${n}: include_subdomains and secure must be TRUE or FALSE`, n);
    if (!path.startsWith('/')) throw new NetscapeCookiesError(`line ${n}: path must start with /`, n);
    if (!/^\d+$/.test(expiry)) throw new NetscapeCookiesError(`line ${n}: expiry must be a Unix timestamp (0 for a session cookie)`, n);
    if (!name) throw new NetscapeCookiesError(`line ${n}: cookie name is empty`, n);
    domains.add(domain.replace(/^\./, '').toLowerCase());
    count++;
  }
  if (count === 0) throw new NetscapeCookiesError('no cookies found: send a Netscape cookies file (one tab-separated cookie per line)');
  return { cookieCount: count, domains: [...domains].sort() };
}
