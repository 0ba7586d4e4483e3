import { promises as dns, LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { EgressPolicy } from './egress-policy';
import { ForbiddenAddressError } from './forbidden-address.error';

/** Resolves a host name to every address it has; injectable so tests can simulate DNS rebinding. */
export type Resolver = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname, family) => dns.lookup(hostname, { all: true, family, order: 'verbatim' });

/**
 * A `dns.lookup` replacement for net/tls.connect. It resolves once, checks every answer, and hands
 * back exactly the answers it checked — the socket dials those, so a second, rebound DNS answer
 * never reaches the wire. All answers must pass: a host mixing public and private records is
 * refused, because with autoSelectFamily Node may try any of them.
 */
export function createGuardedLookup(policy: EgressPolicy, resolver: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, familyOf(options.family), policy, resolver).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : ''),
    );
  };
}

export async function resolveChecked(hostname: string, family: 0 | 4 | 6, policy: EgressPolicy, resolver: Resolver = systemResolver): Promise<LookupAddress[]> {
  const answers = (await resolver(hostname, family)).filter((a) => family === 0 || a.family === family);
  if (answers.length === 0) {
    throw Object.assign(new Error(`no addresses found for ${hostname}`), { code: 'ENOTFOUND', hostname });
  }
  for (const { address } of answers) {
    const verdict = policy.check(address);
    if (verdict.forbidden) throw new ForbiddenAddressError(hostname, address, verdict.range);
  }
  return answers;
}

function familyOf(family: number | string | undefined): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
