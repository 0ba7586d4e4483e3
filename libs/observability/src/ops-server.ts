import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { HttpTimeouts } from '@mda/config';
import { answerClientError, applyHttpTimeouts } from './http-hardening';
import { renderMetrics } from './metrics';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string | boolean | number>;
}

/**
 * The small HTTP port of the apps that serve no API (worker, sender):
 * /health/live, /health/ready and /metrics.
 */
export async function startOpsServer(opts: {
  port: number;
  host: string;
  readiness: () => ReadinessReport;
  timeouts: HttpTimeouts;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'application/json' }).end('{"error":{"code":"method_not_allowed","message":"GET only"}}');
      return;
    }
    if (path === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/health/ready' || path === '/health') {
      const r = opts.readiness();
      res
        .writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: r.ready ? 'ok' : 'unavailable', checks: r.checks }));
    } else if (path === '/metrics') {
      const m = await renderMetrics();
      res.writeHead(200, { 'content-type': m.contentType }).end(m.body);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"Not found"}}');
    }
  });
  applyHttpTimeouts(server, opts.timeouts);
  server.on('clientError', (err, socket) => answerClientError(err, socket as Parameters<typeof answerClientError>[1]));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
