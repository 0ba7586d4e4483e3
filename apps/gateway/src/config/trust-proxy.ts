import { isIP } from 'node:net';
import { ConfigError, Env, optionalStr } from '@mda/config';

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: which peers may set `X-Forwarded-For` (and the client address the rate limits
 * key on). Off by default, so a client cannot pick its own address with that header. Otherwise a
 * comma-separated list of proxy addresses, CIDRs, or `loopback` / `linklocal` / `uniquelocal`.
 * `true` (trust every peer) is refused: it makes the client address spoofable.
 */
export function loadTrustProxy(env: Env = process.env): false | string[] {
  const raw = optionalStr(env, 'TRUST_PROXY');
  if (raw === undefined || raw.toLowerCase() === 'false') return false;
  if (raw.toLowerCase() === 'true') {
    throw new ConfigError(
      'TRUST_PROXY',
      'must name the proxies (addresses, CIDRs, loopback, linklocal, uniquelocal), not "true": trusting every peer lets clients spoof their address',
    );
  }
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries) {
    if (!NAMED_RANGES.includes(e) && !isAddressOrCidr(e))
      throw new ConfigError('TRUST_PROXY', `has "${e}", which is not an address, a CIDR or one of ${NAMED_RANGES.join(', ')}`);
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
