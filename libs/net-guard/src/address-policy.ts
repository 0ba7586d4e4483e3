import ipaddr from 'ipaddr.js';

export interface AddressVerdict {
  forbidden: boolean;
  /** ipaddr.js range name; embedded IPv4 forms read `<v6 range>:<v4 range>`, e.g. `ipv4Mapped:loopback`. */
  range?: string;
}

// IPv6 ranges whose low bits carry an IPv4 address; the label names the embedded range so a
// refusal of ::ffff:127.0.0.1 says "loopback" rather than just "ipv4Mapped".
type V6WithV4 = 'ipv4Mapped' | 'rfc6145' | 'rfc6052' | '6to4' | 'ipv4Compatible';

// ::/96 (deprecated IPv4-compatible) is "unicast" to ipaddr.js, yet ::127.0.0.1 names loopback.
// The whole of ::/8 is IETF-reserved, so nothing legitimate lives there.
const RESERVED_ZERO_PREFIX = ipaddr.IPv6.parse('::');

/**
 * Decides whether an outbound connection to `ip` must be refused (SSRF guard, SPEC §4).
 * Fails closed: anything unparseable, or any range other than plain public unicast, is forbidden.
 */
export function isForbiddenAddress(ip: string): AddressVerdict {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip);
  } catch {
    return { forbidden: true, range: 'unparseable' };
  }
  return addr.kind() === 'ipv4' ? ipv4Verdict(addr as ipaddr.IPv4) : ipv6Verdict(addr as ipaddr.IPv6);
}

function ipv4Verdict(addr: ipaddr.IPv4): AddressVerdict {
  const range = addr.range();
  return { forbidden: range !== 'unicast', range };
}

function ipv6Verdict(addr: ipaddr.IPv6): AddressVerdict {
  const range = addr.range();
  const embedded = embeddedIPv4(addr, range);
  if (embedded) return { forbidden: true, range: `${embedded.kind}:${embedded.v4.range()}` };
  if (range !== 'unicast') return { forbidden: true, range };
  if (addr.match(RESERVED_ZERO_PREFIX, 8)) return { forbidden: true, range: 'reserved' };
  return { forbidden: false, range };
}

function embeddedIPv4(addr: ipaddr.IPv6, range: string): { kind: V6WithV4; v4: ipaddr.IPv4 } | undefined {
  const p = addr.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return { kind: range, v4: fromWords(p[6], p[7]) };
    case 'rfc6052':
      // Only the well-known /96 NAT64 prefix puts the IPv4 in the last 32 bits.
      return p[2] === 0 ? { kind: 'rfc6052', v4: fromWords(p[6], p[7]) } : undefined;
    case '6to4':
      return { kind: '6to4', v4: fromWords(p[1], p[2]) };
    case 'unicast':
      return addr.match(RESERVED_ZERO_PREFIX, 96) ? { kind: 'ipv4Compatible', v4: fromWords(p[6], p[7]) } : undefined;
    default:
      return undefined;
  }
}
