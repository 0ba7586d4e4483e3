import { EgressPolicy, GuardedHttpClient, NetError, toNetError } from '../src';
import { RecordingServer, startRecordingServer } from './local-server';

async function netErrorOf(promise: Promise<unknown>): Promise<NetError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NetError);
  return err as NetError;
}

describe('GuardedHttpClient.stream against loopback servers', () => {
  let server: RecordingServer;
  let other: RecordingServer;
  let client: GuardedHttpClient;

  beforeEach(async () => {
    other = await startRecordingServer((_req, res) => res.end('other origin'));
    server = await startRecordingServer((req, res) => {
      const hop = /^\/r(\d)$/.exec(req.url ?? '');
      if (hop) {
        const n = Number(hop[1]);
        res.writeHead(302, { location: n < 3 ? `/r${n + 1}` : '/final' }).end();
      } else if (req.url === '/to-ftp') {
        res.writeHead(301, { location: 'ftp://files.example/x' }).end();
      } else if (req.url === '/to-creds') {
        res.writeHead(307, { location: `http://user:pw@127.0.0.1:${server.port}/final` }).end();
      } else if (req.url === '/to-other') {
        res.writeHead(302, { location: `${other.url}/landing` }).end();
      } else if (req.url === '/slow-body') {
        // Headers now, body never: the deadline must still apply while the caller reads.
        res.writeHead(200, { 'content-length': '100' }).write('partial');
      } else {
        res.end(`file at ${req.url}`);
      }
    });
    client = new GuardedHttpClient({ policy: EgressPolicy.allowAll() });
  });

  afterEach(async () => {
    await client.close();
    await Promise.all([server.close(), other.close()]);
  });

  it('returns the body unconsumed for the caller to pipe', async () => {
    const res = await client.stream({ url: `${server.url}/video.mp4`, timeoutMs: 5_000 });
    expect(res.statusCode).toBe(200);
    expect(res.url.pathname).toBe('/video.mp4');
    expect(await res.body.text()).toBe('file at /video.mp4');
  });

  it('returns a redirect as-is unless asked to follow', async () => {
    const res = await client.stream({ url: `${server.url}/r1`, timeoutMs: 5_000 });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/r2');
    await res.body.dump();
    expect(server.requests.map((r) => r.url)).toEqual(['/r1']);
  });

  it('follows up to followRedirects hops and reports the final URL', async () => {
    const res = await client.stream({ url: `${server.url}/r1`, timeoutMs: 5_000, followRedirects: 3 });
    expect(res.statusCode).toBe(200);
    expect(res.url.href).toBe(`${server.url}/final`);
    expect(await res.body.text()).toBe('file at /final');
    expect(server.requests.map((r) => r.url)).toEqual(['/r1', '/r2', '/r3', '/final']);
  });

  it('stops after followRedirects hops and hands back the last redirect', async () => {
    const res = await client.stream({ url: `${server.url}/r1`, timeoutMs: 5_000, followRedirects: 1 });
    expect(res.statusCode).toBe(302);
    expect(res.url.pathname).toBe('/r2');
    await res.body.dump();
  });

  it.each([['/to-ftp'], ['/to-creds']])('re-checks every hop: %s is refused as invalid_url', async (path) => {
    const err = await netErrorOf(client.stream({ url: `${server.url}${path}`, timeoutMs: 5_000, followRedirects: 5 }));
    expect(err.code).toBe('invalid_url');
    expect(server.requests.map((r) => r.url)).toEqual([path]);
  });

  it('drops credentials headers when a redirect leaves the origin', async () => {
    const headers = { authorization: 'Bearer t0ken', cookie: 'sid=1', 'user-agent': 'mda' };
    const res = await client.stream({ url: `${server.url}/to-other`, headers, timeoutMs: 5_000, followRedirects: 1 });
    expect(await res.body.text()).toBe('other origin');
    expect(server.requests[0].headers).toMatchObject(headers);
    expect(other.requests[0].headers.authorization).toBeUndefined();
    expect(other.requests[0].headers.cookie).toBeUndefined();
    expect(other.requests[0].headers['user-agent']).toBe('mda');
  });

  it('keeps the deadline running while the body is read, classified by toNetError', async () => {
    const res = await client.stream({ url: `${server.url}/slow-body`, timeoutMs: 300 });
    expect(res.statusCode).toBe(200);
    const err = await res.body.text().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toNetError(err).code).toBe('timeout');
  });

  it('refuses loopback targets when private networks are not allowed', async () => {
    const guarded = new GuardedHttpClient({ policy: EgressPolicy.publicOnly() });
    try {
      const err = await netErrorOf(guarded.stream({ url: `${server.url}/video.mp4`, timeoutMs: 5_000 }));
      expect(err.code).toBe('forbidden_address');
      expect(server.connections).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});
