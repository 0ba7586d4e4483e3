import ipaddr from 'ipaddr.js';
import { AddressVerdict, isForbiddenAddress } from './address-policy';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One CIDR block of NETWORK_ALLOWLIST, e.g. `10.1.2.0/24` or `fd00::/8`. */
export interface CidrBlock {
  readonly text: string;
  readonly address: Address;
  readonly prefix: number;
}

/** A malformed NETWORK_ALLOWLIST entry; the message names the entry. */
export class CidrError extends Error {
  constructor(readonly entry: string) {
    super(`"${entry}" is not a CIDR block (expected e.g. 10.1.2.0/24 or fd00::/8)`);
    this.name = 'CidrError';
  }
}

/** Parses `10.1.2.0/24,127.0.0.2/32,fd00::/8` (blanks around commas ignored). Throws CidrError. */
export function parseCidrList(text: string): CidrBlock[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseCidr);
}

export function parseCidr(entry: string): CidrBlock {
  const [ip, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !/^\d{1,3}$/.test(bits ?? '')) throw new CidrError(entry);
  // only dotted quads for IPv4: ipaddr.js would read 10.1.2 as 10.1.0.2
  if (!ip.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(ip)) throw new CidrError(entry);
  let parsed: [Address, number];
  try {
    parsed = ipaddr.parseCIDR(entry);
  } catch {
    throw new CidrError(entry);
  }
  let [address, prefix] = parsed;
  // An IPv4-mapped block (::ffff:10.0.0.0/104) means the IPv4 block; addresses are compared unmapped.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    address = (address as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  return { text: entry, address, prefix };
}

/** Verdict of the egress policy: `allowlisted` names the block that let a private address through. */
export interface EgressVerdict extends AddressVerdict {
  allowlisted?: string;
}

/**
 * The one egress policy (SPEC §4): which addresses outbound connections may reach. Plain public
 * unicast always; private and reserved ranges only with ALLOW_PRIVATE_NETWORKS=true, or when the
 * address is inside a NETWORK_ALLOWLIST block. Fails closed: anything unparseable is refused.
 */
export class EgressPolicy {
  constructor(
    readonly allowPrivate: boolean,
    readonly allowlist: readonly CidrBlock[] = [],
  ) {}

  /** Every address allowed (ALLOW_PRIVATE_NETWORKS=true, tests). */
  static allowAll(): EgressPolicy {
    return new EgressPolicy(true);
  }

  /** Public addresses only, plus the given CIDR blocks. */
  static publicOnly(allowlist: string | readonly CidrBlock[] = []): EgressPolicy {
    return new EgressPolicy(false, typeof allowlist === 'string' ? parseCidrList(allowlist) : allowlist);
  }

  check(ip: string): EgressVerdict {
    if (this.allowPrivate) return { forbidden: false };
    const block = this.allowlistBlock(ip);
    if (block) return { forbidden: false, allowlisted: block.text };
    return isForbiddenAddress(ip);
  }

  /** The allowlist block containing `ip`, if any (IPv4-mapped IPv6 addresses match IPv4 blocks). */
  allowlistBlock(ip: string): CidrBlock | undefined {
    if (this.allowlist.length === 0) return undefined;
    let addr: Address;
    try {
      addr = ipaddr.process(ip.replace(/%.*$/, ''));
    } catch {
      return undefined;
    }
    return this.allowlist.find((b) => b.address.kind() === addr.kind() && addr.match(b.address as never, b.prefix));
  }

  describe(): string {
    if (this.allowPrivate) return 'all addresses allowed (ALLOW_PRIVATE_NETWORKS=true)';
    const list = this.allowlist.map((b) => b.text).join(',');
    return list ? `public addresses and ${list}` : 'public addresses only';
  }
}
