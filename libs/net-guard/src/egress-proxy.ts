import { randomBytes } from 'node:crypto';
import { Agent, createServer, IncomingHttpHeaders, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect as netConnect, isIP, LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { EgressPolicy } from './egress-policy';
import { ForbiddenAddressError } from './forbidden-address.error';
import { createGuardedLookup, Resolver } from './guarded-lookup';
import { bareHost } from './url-policy';

/** One connection the proxy refused: who asked is the session, the rest names what was refused. */
export interface EgressRefusal {
  host: string;
  address: string;
  range: string;
  /** "refusing to connect to HOST (resolved to A): address is in a forbidden range (R)" */
  message: string;
}

export interface EgressProxyOptions {
  policy: EgressPolicy;
  /** Defaults to the system resolver; tests inject one to simulate DNS rebinding. */
  resolver?: Resolver;
  /** Loopback address to listen on (port is random). */
  host?: string;
  connectTimeoutMs?: number;
  /** A tunnel or response that moves no byte for this long is closed. */
  idleTimeoutMs?: number;
  onRefused?: (refusal: EgressRefusal, sessionLabel: string) => void;
}

/** Credentials for one job or query: every tool run for it uses `url` as its proxy. */
export interface EgressProxySession {
  readonly label: string;
  /** `http://<token>:x@127.0.0.1:<port>` */
  readonly url: string;
  /** What was refused for this session so far (oldest first). */
  refusals(): readonly EgressRefusal[];
  /** Forgets the credentials: later requests with them get 407. */
  close(): void;
}

// RFC 9110 §7.6.1 connection-specific fields, plus the de-facto Proxy-Connection.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

class Session implements EgressProxySession {
  readonly list: EgressRefusal[] = [];
  constructor(
    readonly label: string,
    readonly url: string,
    private readonly forget: () => void,
  ) {}
  refusals(): readonly EgressRefusal[] {
    return this.list;
  }
  close(): void {
    this.forget();
  }
}

/**
 * A forward proxy on loopback for the tools the worker spawns (yt-dlp, ffmpeg, ffprobe), after
 * Stripe's Smokescreen: plain `http://` requests are forwarded by absolute URI, `https://` goes
 * through CONNECT. Every dial resolves the target once with the guarded lookup, checks every
 * address against the egress policy and connects to exactly the checked address, so redirects,
 * embedded URLs, playlists and DNS rebinding all meet the same check. Refusals answer 403 and are
 * recorded on the session whose credentials asked, so the job can say what was refused.
 */
export class EgressProxy {
  private readonly sessions = new Map<string, Session>();
  private readonly tunnels = new Set<Duplex>();
  private readonly lookup: LookupFunction;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;

  private constructor(
    private readonly server: Server,
    private readonly opts: EgressProxyOptions,
  ) {
    this.lookup = createGuardedLookup(opts.policy, opts.resolver);
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
    server.on('request', (req, res) => this.forward(req, res));
    server.on('connect', (req, socket, head) => this.tunnel(req, socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
  }

  static async start(opts: EgressProxyOptions): Promise<EgressProxy> {
    const server = createServer({ keepAliveTimeout: 5_000 });
    const proxy = new EgressProxy(server, opts);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, opts.host ?? '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  openSession(label: string): EgressProxySession {
    const token = randomBytes(16).toString('hex');
    const host = this.opts.host ?? '127.0.0.1';
    const session = new Session(label, `http://${token}:x@${host}:${this.port}`, () => this.sessions.delete(token));
    this.sessions.set(token, session);
    return session;
  }

  async close(): Promise<void> {
    for (const t of this.tunnels) t.destroy();
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** `GET http://host/path` from a client configured with this proxy. */
  private forward(req: IncomingMessage, res: ServerResponse): void {
    const session = this.authenticate(req.headers);
    if (!session)
      return void res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="egress"', 'Content-Type': 'text/plain' }).end('proxy credentials required\n');
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      return void res.writeHead(400, { 'Content-Type': 'text/plain' }).end('absolute http:// URI required\n');
    }
    if (target.protocol !== 'http:') return void res.writeHead(400, { 'Content-Type': 'text/plain' }).end('only http:// is forwarded; use CONNECT for https\n');
    const host = bareHost(target.hostname);
    const refused = this.refuseLiteral(host, session);
    if (refused) return void res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`${refused}\n`);

    const upstream = httpRequest({
      host,
      port: Number(target.port || 80),
      method: req.method,
      path: `${target.pathname}${target.search}`,
      // absolute-form: the target's authority replaces any Host the client sent (RFC 9112 §3.2.2)
      headers: { ...endToEnd(req.headers), host: target.host, via: via(req) },
      agent: this.agent,
      lookup: this.lookup,
      timeout: this.idleTimeoutMs,
    });
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEnd(up.headers));
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err) => {
      const refusal = this.recordRefusal(err, session);
      if (res.headersSent) return void res.destroy();
      const [status, reason, text] = refusal ? [403, 'Forbidden', refusal] : errorStatus(err, host);
      res.writeHead(status, reason, { 'Content-Type': 'text/plain', Connection: 'close' }).end(`${text}\n`);
    });
    // the client went away: stop the upstream request too
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** `CONNECT host:443`: a byte tunnel to the checked address. */
  private tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const reply = (status: string, text: string) =>
      client.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text) + 1}\r\nConnection: close\r\n\r\n${text}\n`);
    const session = this.authenticate(req.headers);
    if (!session)
      return void client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="egress"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
    let host: string;
    let port: number;
    try {
      const target = new URL(`http://${req.url ?? ''}`);
      host = bareHost(target.hostname);
      port = Number(target.port);
      if (!port || target.pathname !== '/' || target.username) throw new Error('bad authority');
    } catch {
      return void reply('400 Bad Request', 'CONNECT needs host:port');
    }
    const refused = this.refuseLiteral(host, session);
    if (refused) return void reply('403 Forbidden', refused);

    const upstream: Socket = netConnect({ host, port, lookup: this.lookup, autoSelectFamily: true });
    this.tunnels.add(client);
    let open = false;
    upstream.setTimeout(this.connectTimeoutMs);
    upstream.once('connect', () => {
      open = true;
      upstream.setTimeout(this.idleTimeoutMs);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err) => {
      const refusal = this.recordRefusal(err, session);
      if (open) return void client.destroy();
      const [status, reason, text] = refusal ? [403, 'Forbidden', refusal] : errorStatus(err, host);
      reply(`${status} ${reason}`, text);
    });
    upstream.on('close', () => {
      if (open) client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => {
      this.tunnels.delete(client);
      upstream.destroy();
    });
  }

  private authenticate(headers: IncomingHttpHeaders): Session | undefined {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers['proxy-authorization'] ?? '');
    if (!m) return undefined;
    const user = Buffer.from(m[1], 'base64').toString('utf8').split(':')[0];
    return this.sessions.get(user);
  }

  /** IP literals never reach a lookup in net.connect: they are checked here. */
  private refuseLiteral(host: string, session: Session): string | undefined {
    if (isIP(host) === 0) return undefined;
    const verdict = this.opts.policy.check(host);
    return verdict.forbidden ? this.recordRefusal(new ForbiddenAddressError(host, host, verdict.range), session) : undefined;
  }

  private recordRefusal(err: unknown, session: Session): string | undefined {
    if (!(err instanceof ForbiddenAddressError)) return undefined;
    const refusal: EgressRefusal = { host: err.hostname, address: err.address, range: err.range ?? 'unknown', message: err.message };
    session.list.push(refusal);
    this.opts.onRefused?.(refusal, session.label);
    return refusal.message;
  }
}

/** RFC 9110 §7.6.3: a proxy appends itself to Via. */
function via(req: IncomingMessage): string {
  const own = `${req.httpVersion} mda-egress`;
  const prior = req.headers['via'];
  return prior ? `${prior}, ${own}` : own;
}

/** Headers without the hop-by-hop ones, including any the Connection header names. */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers['connection'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const drop = new Set([...HOP_BY_HOP, ...named]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}

/**
 * Status, reason phrase and body for a failed dial. The reason phrase carries the socket error in
 * the words tools print ("HTTP Error 502: Connection refused"), so the cause survives the proxy.
 */
function errorStatus(err: unknown, host: string): [number, string, string] {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ETIMEDOUT') return [504, 'Connection timed out', `timed out connecting to ${host}`];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return [502, 'Name or service not known', `cannot resolve ${host}`];
  if (code === 'ECONNREFUSED') return [502, 'Connection refused', `${host} refused the connection`];
  if (code === 'ECONNRESET') return [502, 'Connection reset', `${host} reset the connection`];
  return [502, 'Bad Gateway', `cannot connect to ${host}${code ? ` (${code})` : ''}`];
}
