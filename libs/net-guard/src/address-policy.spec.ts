import { isForbiddenAddress } from './address-policy';

describe('isForbiddenAddress', () => {
  it.each([
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['240.0.0.1', 'reserved'],
    // Odd IPv4 spellings that inet_aton would also accept
    ['127.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['2130706433', 'loopback'],
    // IPv6
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms embedding an IPv4
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['::ffff:169.254.169.254', 'ipv4Mapped:linkLocal'],
    ['::ffff:a00:1', 'ipv4Mapped:private'],
    // ipaddr.js reads the deprecated ::a.b.c.d spelling as IPv4-mapped; refused either way.
    ['::127.0.0.1', 'ipv4Mapped:loopback'],
    ['::7f00:1', 'ipv4Compatible:loopback'],
    ['::ffff:0:127.0.0.1', 'rfc6145:loopback'],
    ['64:ff9b::127.0.0.1', 'rfc6052:loopback'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052:linkLocal'],
    ['2002:7f00:1::1', '6to4:loopback'],
    ['2002:c0a8:101::1', '6to4:private'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    // Fail closed
    ['not-an-ip', 'unparseable'],
    ['', 'unparseable'],
    ['1.2.3.4.5', 'unparseable'],
  ])('refuses %s (%s)', (ip, range) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, range });
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1', // just past 172.16/12
    '100.128.0.1', // just past 100.64/10
    '169.253.255.255',
    '2606:2800:220:1:248:1893:25c8:1946',
    '2a00:1450:4001:80e::200e',
  ])('allows public unicast %s', (ip) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: false, range: 'unicast' });
  });

  it('refuses IPv4-mapped forms even when the embedded IPv4 is public (anything non-unicast is refused)', () => {
    expect(isForbiddenAddress('::ffff:93.184.216.34')).toEqual({ forbidden: true, range: 'ipv4Mapped:unicast' });
  });
});
