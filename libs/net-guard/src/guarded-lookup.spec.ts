import type { LookupAddress, LookupOptions } from 'node:dns';
import { EgressPolicy } from './egress-policy';
import { createGuardedLookup, Resolver } from './guarded-lookup';

type LookupResult = { address: string | LookupAddress[]; family?: number };

function lookup(fn: ReturnType<typeof createGuardedLookup>, host: string, options: LookupOptions): Promise<LookupResult> {
  return new Promise((resolve, reject) => fn(host, options, (err, address, family) => (err ? reject(err) : resolve({ address, family }))));
}

const answers =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('createGuardedLookup', () => {
  it('returns the first checked address for the single-address callback form', async () => {
    const fn = createGuardedLookup(EgressPolicy.publicOnly(), answers('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'));
    await expect(lookup(fn, 'example.com', {})).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('returns every checked address for the all:true callback form', async () => {
    const fn = createGuardedLookup(EgressPolicy.publicOnly(), answers('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'));
    await expect(lookup(fn, 'example.com', { all: true })).resolves.toEqual({
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
      family: undefined,
    });
  });

  it('honours a family filter', async () => {
    const fn = createGuardedLookup(EgressPolicy.publicOnly(), answers('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'));
    await expect(lookup(fn, 'example.com', { family: 6 })).resolves.toEqual({
      address: '2606:2800:220:1:248:1893:25c8:1946',
      family: 6,
    });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['10.0.0.5', 'private'],
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['fd00::1', 'uniqueLocal'],
  ])('refuses a host resolving to %s with EFORBIDDENADDRESS', async (address, range) => {
    const fn = createGuardedLookup(EgressPolicy.publicOnly(), answers(address));
    const err = await lookup(fn, 'evil.example', { all: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EFORBIDDENADDRESS', hostname: 'evil.example', address, range });
    expect((err as Error).message).toContain('evil.example');
  });

  it('refuses when any one answer is forbidden, not just the first', async () => {
    const fn = createGuardedLookup(EgressPolicy.publicOnly(), answers('93.184.216.34', '127.0.0.1'));
    await expect(lookup(fn, 'mixed.example', {})).rejects.toMatchObject({ code: 'EFORBIDDENADDRESS', address: '127.0.0.1' });
  });

  it('allows private answers when allowPrivate is set', async () => {
    const fn = createGuardedLookup(EgressPolicy.allowAll(), answers('127.0.0.1'));
    await expect(lookup(fn, 'localhost', {})).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('resolves once per lookup and returns exactly what it checked (DNS rebinding)', async () => {
    // A rebinding server answers public first, loopback on the next query.
    const resolver = jest
      .fn<ReturnType<Resolver>, Parameters<Resolver>>()
      .mockResolvedValueOnce([{ address: '93.184.216.34', family: 4 }])
      .mockResolvedValueOnce([{ address: '127.0.0.1', family: 4 }]);
    const fn = createGuardedLookup(EgressPolicy.publicOnly(), resolver);

    await expect(lookup(fn, 'rebind.example', {})).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    expect(resolver).toHaveBeenCalledTimes(1);
    await expect(lookup(fn, 'rebind.example', {})).rejects.toMatchObject({ code: 'EFORBIDDENADDRESS' });
    expect(resolver).toHaveBeenCalledTimes(2);
  });

  it('passes resolver failures through and reports an empty answer as ENOTFOUND', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN nowhere.example'), { code: 'EAI_AGAIN' });
    };
    await expect(lookup(createGuardedLookup(EgressPolicy.publicOnly(), failing), 'nowhere.example', {})).rejects.toMatchObject({
      code: 'EAI_AGAIN',
    });
    await expect(lookup(createGuardedLookup(EgressPolicy.publicOnly(), answers()), 'empty.example', {})).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });
});
