import { CidrError, EgressPolicy, parseCidr, parseCidrList } from './egress-policy';

describe('parseCidrList', () => {
  it('reads IPv4 and IPv6 blocks, ignoring blanks around commas', () => {
    expect(parseCidrList(' 10.1.2.0/24, 127.0.0.2/32 ,fd00::/8,').map((b) => [b.text, b.prefix])).toEqual([
      ['10.1.2.0/24', 24],
      ['127.0.0.2/32', 32],
      ['fd00::/8', 8],
    ]);
    expect(parseCidrList('')).toEqual([]);
  });

  it.each(['10.1.2.0', '10.1.2.0/33', '10.1.2/24', 'fd00::/129', 'example.com/24', '10.0.0.0/8/8', '/24', '10.0.0.0/-1', '::g/8'])(
    'refuses the malformed entry %s, naming it',
    (entry) => {
      expect(() => parseCidrList(`127.0.0.2/32,${entry}`)).toThrow(CidrError);
      expect(() => parseCidr(entry)).toThrow(`"${entry}"`);
    },
  );

  it('reads an IPv4-mapped IPv6 block as the IPv4 block', () => {
    const block = parseCidr('::ffff:10.1.0.0/112');
    expect(block.address.kind()).toBe('ipv4');
    expect(block.prefix).toBe(16);
  });
});

describe('EgressPolicy', () => {
  const policy = EgressPolicy.publicOnly('10.1.2.0/24,127.0.0.2/32,fd00:1::/32');

  it('allows public addresses and refuses private ones outside the allowlist', () => {
    expect(policy.check('93.184.216.34')).toMatchObject({ forbidden: false });
    expect(policy.check('2606:2800:220:1:248:1893:25c8:1946')).toMatchObject({ forbidden: false });
    expect(policy.check('127.0.0.1')).toEqual({ forbidden: true, range: 'loopback' });
    expect(policy.check('10.1.3.1')).toEqual({ forbidden: true, range: 'private' });
    expect(policy.check('fd00:2::1')).toMatchObject({ forbidden: true, range: 'uniqueLocal' });
  });

  it('allows IPv4 addresses inside an allowlisted block, at both ends', () => {
    expect(policy.check('10.1.2.0')).toEqual({ forbidden: false, allowlisted: '10.1.2.0/24' });
    expect(policy.check('10.1.2.255')).toEqual({ forbidden: false, allowlisted: '10.1.2.0/24' });
    expect(policy.check('127.0.0.2')).toEqual({ forbidden: false, allowlisted: '127.0.0.2/32' });
    expect(policy.check('127.0.0.3').forbidden).toBe(true);
  });

  it('allows IPv6 addresses inside an allowlisted block', () => {
    expect(policy.check('fd00:1:ffff::1')).toEqual({ forbidden: false, allowlisted: 'fd00:1::/32' });
    expect(policy.check('fd00:2::1').forbidden).toBe(true);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 blocks, and only those', () => {
    expect(policy.check('::ffff:127.0.0.2')).toEqual({ forbidden: false, allowlisted: '127.0.0.2/32' });
    expect(policy.check('::ffff:127.0.0.1')).toEqual({ forbidden: true, range: 'ipv4Mapped:loopback' });
    // an IPv4 block does not cover an IPv6 address whose bits merely look alike
    expect(EgressPolicy.publicOnly('0.0.0.0/0').check('fd00::1').forbidden).toBe(true);
  });

  it('fails closed on unparseable addresses, even with an allowlist', () => {
    expect(policy.check('not-an-ip')).toEqual({ forbidden: true, range: 'unparseable' });
  });

  it('allows everything with allowPrivate', () => {
    expect(EgressPolicy.allowAll().check('127.0.0.1')).toEqual({ forbidden: false });
    expect(EgressPolicy.allowAll().check('169.254.169.254')).toEqual({ forbidden: false });
  });

  it('describes itself for logs', () => {
    expect(policy.describe()).toBe('public addresses and 10.1.2.0/24,127.0.0.2/32,fd00:1::/32');
    expect(EgressPolicy.publicOnly().describe()).toBe('public addresses only');
  });
});
