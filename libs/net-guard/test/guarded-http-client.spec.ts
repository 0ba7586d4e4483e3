import { request as undiciRequest } from 'undici';
import { createGuardedAgent, EgressPolicy, GuardedHttpClient, NetError, Resolver } from '../src';
import { closedPort, RecordingServer, startRecordingServer } from './local-server';

// Only ever dials 127.0.0.1: public addresses appear solely as resolver answers that are never dialled.
const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

const get = (url: string, extra: Partial<Parameters<GuardedHttpClient['request']>[0]> = {}) => ({
  method: 'GET' as const,
  url,
  timeoutMs: 5_000,
  maxResponseBytes: 1_000_000,
  ...extra,
});

async function netErrorOf(promise: Promise<unknown>): Promise<NetError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NetError);
  return err as NetError;
}

describe('GuardedHttpClient against a loopback server', () => {
  let server: RecordingServer;
  const clients: GuardedHttpClient[] = [];
  const client = (opts: ConstructorParameters<typeof GuardedHttpClient>[0]) => {
    const c = new GuardedHttpClient(opts);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startRecordingServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/final' }).end('moved');
      } else if (req.url === '/big') {
        res.end(Buffer.alloc(10_000, 'x'));
      } else if (req.url === '/hang') {
        // Never answers: the client's deadline must fire.
      } else {
        res.end(`hello ${req.url}`);
      }
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  describe('with allowPrivate=false', () => {
    it.each([
      ['an IP literal', (port: number) => `http://127.0.0.1:${port}/`],
      ['localhost', (port: number) => `http://localhost:${port}/`],
      ['a decimal IPv4 literal', (port: number) => `http://2130706433:${port}/`],
      ['an IPv4-mapped IPv6 literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ])('refuses %s and the server receives nothing', async (_label, urlFor) => {
      const err = await netErrorOf(client({ policy: EgressPolicy.publicOnly() }).request(get(urlFor(server.port))));
      expect(err.code).toBe('forbidden_address');

      // Barrier: an allowed request on a fresh connection arrives after anything the refused one sent.
      await client({ policy: EgressPolicy.allowAll() }).request(get(`${server.url}/barrier`));
      expect(server.connections).toBe(1);
      expect(server.requests.map((r) => r.url)).toEqual(['/barrier']);
    });

    it('refuses a host name that resolves to loopback at dial time', async () => {
      const guarded = client({ policy: EgressPolicy.publicOnly(), resolver: toLoopback });
      const err = await netErrorOf(guarded.request(get(`http://media.example:${server.port}/`)));
      expect(err.code).toBe('forbidden_address');
      expect(err.message).toContain('media.example');
      expect(server.connections).toBe(0);
    });

    it('checks at dial time even when the URL check is bypassed (agent used directly)', async () => {
      const agent = createGuardedAgent({ policy: EgressPolicy.publicOnly(), connectTimeoutMs: 1_000 });
      try {
        for (const url of [`${server.url}/`, `http://localhost:${server.port}/`, `http://[::1]:${server.port}/`]) {
          await expect(undiciRequest(url, { dispatcher: agent })).rejects.toMatchObject({ code: 'EFORBIDDENADDRESS' });
        }
      } finally {
        await agent.close();
      }
      expect(server.connections).toBe(0);
    });

    it('defeats DNS rebinding: the address dialled is the one that was checked', async () => {
      // First answer (e.g. the gateway's look at submit time) is public; the next one is loopback.
      const resolver = jest
        .fn<ReturnType<Resolver>, Parameters<Resolver>>()
        .mockResolvedValueOnce([{ address: '93.184.216.34', family: 4 }])
        .mockResolvedValue([{ address: '127.0.0.1', family: 4 }]);
      await expect(resolver('rebind.example', 0)).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);

      const guarded = client({ policy: EgressPolicy.publicOnly(), resolver });
      const err = await netErrorOf(guarded.request(get(`http://rebind.example:${server.port}/secret?token=abc`)));
      expect(err.code).toBe('forbidden_address');
      expect(err.message).not.toContain('token=abc');
      expect(resolver).toHaveBeenCalledTimes(2);
      expect(server.connections).toBe(0);
    });

    it('refuses non-http schemes and credentials before connecting', async () => {
      const guarded = client({ policy: EgressPolicy.publicOnly() });
      expect((await netErrorOf(guarded.request(get('file:///etc/passwd')))).code).toBe('invalid_url');
      expect((await netErrorOf(guarded.request(get('http://u:p@example.com/')))).code).toBe('invalid_url');
    });
  });

  describe('with allowPrivate=true', () => {
    it.each([
      ['an IP literal', (port: number) => `http://127.0.0.1:${port}/ok`],
      ['localhost', (port: number) => `http://localhost:${port}/ok`],
    ])('reaches %s', async (_label, urlFor) => {
      const res = await client({ policy: EgressPolicy.allowAll() }).request(get(urlFor(server.port)));
      expect(res.statusCode).toBe(200);
      expect(res.body.toString()).toBe('hello /ok');
      expect(res.truncated).toBe(false);
      expect(res.durationMs).toBeGreaterThan(0);
    });

    it('dials the address the lookup returned, keeping the original Host header', async () => {
      const res = await client({ policy: EgressPolicy.allowAll(), resolver: toLoopback }).request(get(`http://svc.example:${server.port}/named`));
      expect(res.body.toString()).toBe('hello /named');
      expect(server.requests[0].headers.host).toBe(`svc.example:${server.port}`);
    });

    it('sends method, headers and body', async () => {
      await server.close();
      let received = '';
      server = await startRecordingServer((req, res) => {
        req.on('data', (c: Buffer) => (received += c.toString()));
        req.on('end', () => res.writeHead(201).end());
      });
      const res = await client({ policy: EgressPolicy.allowAll() }).request(
        get(`${server.url}/hook`, { method: 'POST', headers: { 'x-signature': 'sig' }, body: '{"a":1}' }),
      );
      expect(res.statusCode).toBe(201);
      expect(received).toBe('{"a":1}');
      expect(server.requests[0]).toMatchObject({ method: 'POST', headers: { 'x-signature': 'sig' } });
    });

    it('does not follow redirects: a 302 comes back as-is', async () => {
      const res = await client({ policy: EgressPolicy.allowAll() }).request(get(`${server.url}/redirect`));
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/final');
      expect(server.requests.map((r) => r.url)).toEqual(['/redirect']);
    });

    it('truncates the body at maxResponseBytes and says so', async () => {
      const guarded = client({ policy: EgressPolicy.allowAll() });
      const cut = await guarded.request(get(`${server.url}/big`, { maxResponseBytes: 1_000 }));
      expect(cut.body.length).toBe(1_000);
      expect(cut.truncated).toBe(true);
      const exact = await guarded.request(get(`${server.url}/big`, { maxResponseBytes: 10_000 }));
      expect(exact.body.length).toBe(10_000);
      expect(exact.truncated).toBe(false);
    });

    it('classifies a server that never answers as timeout, within the deadline', async () => {
      const started = Date.now();
      const err = await netErrorOf(client({ policy: EgressPolicy.allowAll() }).request(get(`${server.url}/hang`, { timeoutMs: 300 })));
      expect(err.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('classifies the caller aborting as aborted', async () => {
      const controller = new AbortController();
      const pending = client({ policy: EgressPolicy.allowAll() }).request(get(`${server.url}/hang`, { signal: controller.signal }));
      controller.abort();
      expect((await netErrorOf(pending)).code).toBe('aborted');
    });

    it('classifies connection refused', async () => {
      const port = await closedPort();
      const err = await netErrorOf(client({ policy: EgressPolicy.allowAll() }).request(get(`http://127.0.0.1:${port}/`)));
      expect(err.code).toBe('connection_refused');
    });

    it('classifies a resolver failure as dns_failure', async () => {
      const failing: Resolver = async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
      };
      const err = await netErrorOf(client({ policy: EgressPolicy.allowAll(), resolver: failing }).request(get('http://nowhere.example/')));
      expect(err.code).toBe('dns_failure');
    });
  });
});
