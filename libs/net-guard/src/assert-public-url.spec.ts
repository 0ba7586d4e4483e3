import { assertPublicUrl } from './assert-public-url';
import { EgressPolicy } from './egress-policy';
import { Resolver } from './guarded-lookup';

const answers =
  (...ips: string[]): Resolver =>
  async () =>
    ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('assertPublicUrl', () => {
  it('accepts a host whose every address is public', async () => {
    await expect(assertPublicUrl('https://media.example/v', EgressPolicy.publicOnly(), answers('93.184.216.34'))).resolves.toBeUndefined();
  });

  it.each([
    ['one private answer among public ones', answers('93.184.216.34', '10.0.0.5')],
    ['cloud metadata', answers('169.254.169.254')],
    ['IPv6 loopback', answers('::1')],
  ])('refuses %s', async (_name, resolver) => {
    await expect(assertPublicUrl('https://media.example/v', EgressPolicy.publicOnly(), resolver)).rejects.toMatchObject({ code: 'forbidden_address' });
  });

  it('refuses private literals without resolving, and bad schemes', async () => {
    const never: Resolver = async () => {
      throw new Error('must not resolve');
    };
    await expect(assertPublicUrl('http://2130706433/x', EgressPolicy.publicOnly(), never)).rejects.toMatchObject({ code: 'forbidden_address' });
    await expect(assertPublicUrl('file:///etc/passwd', EgressPolicy.allowAll(), never)).rejects.toMatchObject({ code: 'invalid_url' });
  });

  it('allows anything resolvable when private networks are allowed', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:9/x', EgressPolicy.allowAll())).resolves.toBeUndefined();
  });

  it('reports a DNS failure as such', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(assertPublicUrl('https://nowhere.invalid/', EgressPolicy.publicOnly(), failing)).rejects.toMatchObject({ code: 'dns_failure' });
  });
});
