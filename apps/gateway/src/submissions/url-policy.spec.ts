import { Clock } from '@mda/contracts';
import { EgressPolicy, Resolver } from '@mda/net-guard';
import { ApiError } from '../common/api-error';
import type { GatewayConfig } from '../config/gateway-config';
import { UrlPolicy } from './url-policy';

class FakeClock extends Clock {
  ms = 1_000_000;
  now(): Date {
    return new Date(this.ms);
  }
}

const DNS: Record<string, string[]> = {
  'public.test': ['93.184.216.34'],
  'inside.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '10.0.0.5'],
  'allowed.test': ['10.1.2.3'],
};

function setup(policy: EgressPolicy) {
  const lookups: string[] = [];
  const resolver: Resolver = async (host) => {
    lookups.push(host);
    const answers = DNS[host];
    if (!answers) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const clock = new FakeClock();
  const urls = new UrlPolicy({ egressPolicy: policy } as GatewayConfig, clock, resolver);
  return { urls, lookups, clock };
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).getStatus()).toBe(400);
  return ((err as ApiError).getResponse() as { error: { code: string; message: string } }).error;
}

describe('UrlPolicy.assertReachable', () => {
  const strict = EgressPolicy.publicOnly('10.1.2.0/24');

  it('lets public names through', async () => {
    await expect(setup(strict).urls.assertReachable('https://public.test/v.mp4', 'url')).resolves.toBeUndefined();
  });

  it('refuses a name that resolves to a forbidden address: 400 forbidden_address naming the host and the fix', async () => {
    const error = await errorOf(setup(strict).urls.assertReachable('https://inside.test/v.mp4?token=s3cret', 'url'));
    expect(error.code).toBe('forbidden_address');
    expect(error.message).toContain('url: refusing to connect to inside.test (resolved to 127.0.0.1): address is in a forbidden range (loopback)');
    expect(error.message).toMatch(/NETWORK_ALLOWLIST.*ALLOW_PRIVATE_NETWORKS/);
    expect(JSON.stringify(error)).not.toContain('s3cret');
  });

  it('refuses a name with any forbidden answer, and allows allowlisted ones', async () => {
    const { urls } = setup(strict);
    expect((await errorOf(urls.assertReachable('https://mixed.test/', 'url'))).code).toBe('forbidden_address');
    await expect(urls.assertReachable('https://allowed.test/', 'url')).resolves.toBeUndefined();
  });

  it('leaves names that do not resolve to the worker', async () => {
    await expect(setup(strict).urls.assertReachable('https://nowhere.test/', 'url')).resolves.toBeUndefined();
  });

  it('refuses private literals without a lookup, with the same hint', async () => {
    const { urls, lookups } = setup(strict);
    const err = await errorOf(urls.assertReachable('http://169.254.169.254/latest', 'url'));
    expect(err.message).toContain('refusing to connect to 169.254.169.254: address is in a forbidden range (linkLocal)');
    expect(lookups).toEqual([]);
  });

  it('resolves each host of a batch once and names the refused field', async () => {
    const { urls, lookups } = setup(strict);
    const err = await errorOf(
      urls.assertAllReachable([
        { url: 'https://public.test/a', field: 'urls[0]' },
        { url: 'https://public.test/b', field: 'urls[1]' },
        { url: 'https://inside.test/c', field: 'urls[2]' },
      ]),
    );
    expect(err.message).toMatch(/^urls\[2\]: refusing to connect to inside.test/);
    expect(lookups.sort()).toEqual(['inside.test', 'public.test']);
  });

  it('remembers a verdict for 30 s', async () => {
    const { urls, lookups, clock } = setup(strict);
    await urls.assertReachable('https://public.test/a', 'url');
    await urls.assertReachable('https://public.test/b', 'url');
    expect(lookups).toEqual(['public.test']);
    clock.ms += 30_001;
    await urls.assertReachable('https://public.test/c', 'url');
    expect(lookups).toEqual(['public.test', 'public.test']);
  });

  it('does not resolve at all when private networks are allowed', async () => {
    const { urls, lookups } = setup(EgressPolicy.allowAll());
    await expect(urls.assertReachable('https://inside.test/', 'url')).resolves.toBeUndefined();
    expect(lookups).toEqual([]);
  });
});
