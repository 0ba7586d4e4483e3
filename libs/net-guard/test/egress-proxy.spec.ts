import { IncomingHttpHeaders, request } from 'node:http';
import type { Socket } from 'node:net';
import { EgressPolicy, EgressProxy, EgressProxySession, EgressRefusal, Resolver } from '../src';
import { RecordingServer, startRecordingServer } from './local-server';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function basic(session: EgressProxySession | undefined): Record<string, string> {
  if (!session) return {};
  const u = new URL(session.url);
  return { 'Proxy-Authorization': `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}` };
}

/** A plain-http request through the proxy, the way curl or yt-dlp sends it (absolute URI). */
function viaProxy(
  proxy: EgressProxy,
  session: EgressProxySession | undefined,
  target: string,
  opts: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: proxy.port, method: opts.method ?? 'GET', path: target, headers: { ...basic(session), ...opts.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** CONNECT host:port through the proxy; resolves with the status line's code and, on 200, the tunnel. */
function connectVia(proxy: EgressProxy, session: EgressProxySession | undefined, authority: string): Promise<{ status: number; socket: Socket; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: authority, headers: basic(session), agent: false });
    req.on('connect', (res, socket, head: Buffer) => {
      const chunks: Buffer[] = [head];
      if (res.statusCode !== 200) {
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, socket, body: Buffer.concat(chunks).toString() }));
        socket.on('error', reject);
        return;
      }
      resolve({ status: 200, socket, body: '' });
    });
    req.on('error', reject);
    req.end();
  });
}

function httpOverTunnel(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const text = Buffer.concat(chunks).toString();
      if (text.includes(`GET ${path}`)) resolve(text);
    });
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: tunnel.test\r\nConnection: close\r\n\r\n`);
  });
}

describe('EgressProxy', () => {
  let server: RecordingServer;
  let proxy: EgressProxy;
  const refused: Array<{ refusal: EgressRefusal; label: string }> = [];
  // names the tests use instead of DNS: rebind.test answers loopback, like a rebinding attacker
  const resolver: Resolver = async (host) => (host === 'rebind.test' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '127.0.0.2', family: 4 }]);

  async function startProxy(policy: EgressPolicy): Promise<EgressProxy> {
    return EgressProxy.start({
      policy,
      resolver,
      onRefused: (refusal, label) => refused.push({ refusal, label }),
      connectTimeoutMs: 2_000,
      idleTimeoutMs: 2_000,
    });
  }

  beforeEach(async () => {
    refused.length = 0;
    server = await startRecordingServer((req, res) => {
      if (req.url === '/hang') return;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, {
          'Content-Type': 'text/plain',
          Connection: 'keep-alive',
          'Keep-Alive': 'timeout=99',
          'X-Echo-Length': String(Buffer.concat(chunks).length),
        });
        res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
      });
    });
  });

  afterEach(async () => {
    await proxy?.close();
    await server.close();
  });

  describe('with only public addresses allowed', () => {
    beforeEach(async () => {
      proxy = await startProxy(EgressPolicy.publicOnly());
    });

    it('refuses a loopback literal with 403 naming the host, records it on the session, and never dials', async () => {
      const session = proxy.openSession('job-1');
      const reply = await viaProxy(proxy, session, `${server.url}/secret`);
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('refusing to connect to 127.0.0.1: address is in a forbidden range (loopback)');
      expect(session.refusals()).toEqual([expect.objectContaining({ host: '127.0.0.1', address: '127.0.0.1', range: 'loopback' })]);
      expect(refused.map((r) => r.label)).toEqual(['job-1']);
      expect(server.connections).toBe(0);
    });

    it('refuses a name that resolves to loopback, naming host and address', async () => {
      const session = proxy.openSession('query-1');
      const reply = await viaProxy(proxy, session, `http://rebind.test:${server.port}/secret`);
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('refusing to connect to rebind.test (resolved to 127.0.0.1): address is in a forbidden range (loopback)');
      expect(session.refusals()[0]).toMatchObject({ host: 'rebind.test', address: '127.0.0.1' });
      expect(server.connections).toBe(0);
    });

    it('refuses CONNECT to a forbidden address with 403 and never dials', async () => {
      const session = proxy.openSession('job-2');
      const { status, body } = await connectVia(proxy, session, `127.0.0.1:${server.port}`);
      expect(status).toBe(403);
      expect(body).toContain('refusing to connect to 127.0.0.1');
      const viaName = await connectVia(proxy, session, `rebind.test:${server.port}`);
      expect(viaName.status).toBe(403);
      expect(session.refusals().map((r) => r.host)).toEqual(['127.0.0.1', 'rebind.test']);
      expect(server.connections).toBe(0);
    });

    it('keeps refusals apart per session', async () => {
      const a = proxy.openSession('a');
      const b = proxy.openSession('b');
      await viaProxy(proxy, a, `${server.url}/x`);
      expect(a.refusals()).toHaveLength(1);
      expect(b.refusals()).toHaveLength(0);
    });
  });

  describe('with an allowlist', () => {
    beforeEach(async () => {
      proxy = await startProxy(EgressPolicy.publicOnly('127.0.0.1/32'));
    });

    it('forwards allowed requests with their bodies, without the proxy credentials or hop-by-hop headers', async () => {
      const session = proxy.openSession('job');
      const reply = await viaProxy(proxy, session, `${server.url}/echo?q=1`, {
        method: 'POST',
        body: 'hello',
        headers: { 'Proxy-Connection': 'keep-alive', Connection: 'X-Private, keep-alive', 'X-Private': 'hop', 'X-End': 'kept', 'Content-Type': 'text/plain' },
      });
      expect(reply).toMatchObject({ status: 200, body: 'POST /echo?q=1 hello' });
      expect(reply.headers['x-echo-length']).toBe('5');
      expect(reply.headers['keep-alive']).not.toContain('99'); // the proxy's own keep-alive, not the upstream's
      const seen = server.requests[0].headers;
      expect(seen['proxy-authorization']).toBeUndefined();
      expect(seen['proxy-connection']).toBeUndefined();
      expect(seen['x-private']).toBeUndefined();
      expect(seen['x-end']).toBe('kept');
      expect(seen['via']).toBe('1.1 mda-egress');
      // absolute-form: the target's authority is the Host, whatever the client sent (RFC 9112 §3.2.2)
      expect(seen['host']).toBe(`127.0.0.1:${server.port}`);
      expect(session.refusals()).toEqual([]);
    });

    it('tunnels CONNECT to an allowed address', async () => {
      const session = proxy.openSession('job');
      const { status, socket } = await connectVia(proxy, session, `127.0.0.1:${server.port}`);
      expect(status).toBe(200);
      const raw = await httpOverTunnel(socket, '/through');
      expect(raw).toMatch(/^HTTP\/1\.1 200/);
      expect(raw).toContain('GET /through');
    });

    it('still refuses addresses outside the allowlist', async () => {
      const session = proxy.openSession('job');
      expect((await viaProxy(proxy, session, `http://127.0.0.3:${server.port}/`)).status).toBe(403);
      expect(session.refusals()[0]).toMatchObject({ host: '127.0.0.3', range: 'loopback' });
    });

    it('answers 407 without credentials, with unknown ones and after the session closed', async () => {
      expect((await viaProxy(proxy, undefined, `${server.url}/`)).status).toBe(407);
      const session = proxy.openSession('job');
      session.close();
      const reply = await viaProxy(proxy, session, `${server.url}/`);
      expect(reply.status).toBe(407);
      expect(reply.headers['proxy-authenticate']).toContain('Basic');
      expect((await connectVia(proxy, undefined, `127.0.0.1:${server.port}`)).status).toBe(407);
      expect(server.connections).toBe(0);
    });

    it('answers 502 when the target refuses the connection, and 504 when it stalls', async () => {
      const session = proxy.openSession('job');
      const closed = await startRecordingServer(() => undefined);
      const port = closed.port;
      await closed.close();
      expect((await viaProxy(proxy, session, `http://127.0.0.1:${port}/`)).status).toBe(502);
      const stalled = await viaProxy(proxy, session, `${server.url}/hang`);
      expect(stalled.status).toBe(504);
      expect(session.refusals()).toEqual([]);
    });

    it('reuses upstream connections and closes the upstream request when the client goes away', async () => {
      const session = proxy.openSession('job');
      await viaProxy(proxy, session, `${server.url}/one`);
      await viaProxy(proxy, session, `${server.url}/two`);
      expect(server.connections).toBe(1);

      const upstreamClosed = new Promise<void>((resolve) => {
        const hang = request({ host: '127.0.0.1', port: proxy.port, path: `${server.url}/hang`, headers: basic(session), agent: false });
        hang.on('error', () => undefined);
        hang.end();
        // once the upstream request is in, the client gives up
        const poll = setInterval(() => {
          if (server.requests.some((r) => r.url === '/hang')) {
            clearInterval(poll);
            hang.destroy();
            resolve();
          }
        }, 10);
      });
      await upstreamClosed;
      const deadline = Date.now() + 1_000; // well before the 2 s idle timeout would close it anyway
      while (server.open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(server.open()).toBe(0);
    });

    it('refuses non-absolute request targets', async () => {
      const session = proxy.openSession('job');
      expect((await viaProxy(proxy, session, '/relative')).status).toBe(400);
    });
  });

  it('with allowPrivate forwards everything, on the same code path', async () => {
    proxy = await startProxy(EgressPolicy.allowAll());
    const session = proxy.openSession('job');
    expect(await viaProxy(proxy, session, `http://rebind.test:${server.port}/any`)).toMatchObject({ status: 200, body: 'GET /any ' });
  });
});
