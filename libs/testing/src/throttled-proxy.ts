import { Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback service (an S3 server) that can slow down what
 * clients send through it (uploads) while leaving the answers untouched: a process pointed at it
 * has a slow upload link that the test can turn on and off.
 */
export interface ThrottledProxy {
  /** `http://127.0.0.1:<port>`: give it to the client as the service's endpoint. */
  url: string;
  port: number;
  /** Caps the client-to-service bytes of all connections together (null: no cap, the default). */
  setRate(bytesPerSecond: number | null): void;
  /** Client-to-service bytes forwarded so far. */
  upstreamBytes(): number;
  close(): Promise<void>;
}

const TICK_MS = 20;

interface Link {
  client: Socket;
  upstream: Socket;
  pending: Buffer[];
}

export async function startThrottledProxy(target: string): Promise<ThrottledProxy> {
  const { hostname, port: targetPort } = new URL(target);
  if (!hostname.startsWith('127.')) throw new Error(`the proxy forwards to loopback only, not ${hostname}`);
  let rate: number | null = null;
  let forwarded = 0;
  const links = new Set<Link>();

  const forward = (link: Link, chunk: Buffer) => {
    forwarded += chunk.length;
    link.upstream.write(chunk);
  };
  const flush = (link: Link) => {
    for (const c of link.pending.splice(0)) forward(link, c);
    link.client.resume();
  };
  // every tick the budget is shared out among the connections with bytes waiting
  const timer = setInterval(() => {
    if (rate === null) return;
    const waiting = [...links].filter((l) => l.pending.length > 0);
    if (waiting.length === 0) return;
    const share = Math.max(1, Math.floor((rate * TICK_MS) / 1000 / waiting.length));
    for (const link of waiting) {
      let budget = share;
      while (budget > 0 && link.pending.length > 0) {
        const head = link.pending[0];
        const take = head.subarray(0, budget);
        if (take.length === head.length) link.pending.shift();
        else link.pending[0] = head.subarray(budget);
        forward(link, take);
        budget -= take.length;
      }
      if (link.pending.length === 0) link.client.resume();
    }
  }, TICK_MS);
  timer.unref();

  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    const link: Link = { client, upstream, pending: [] };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (rate === null && link.pending.length === 0) return forward(link, chunk);
      link.pending.push(chunk);
      client.pause();
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('throttled proxy: not listening on a TCP port');
  const port = address.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setRate(bytesPerSecond) {
      rate = bytesPerSecond;
      if (rate === null) for (const link of links) flush(link);
    },
    upstreamBytes: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        for (const link of links) {
          link.client.destroy();
          link.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
