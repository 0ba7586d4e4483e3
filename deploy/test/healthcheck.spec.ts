/**
 * deploy/docker/healthcheck.js, the images' health check, run as Docker runs it: against a real
 * HTTP server on loopback, with the environment each app has.
 */
import { spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { repoPath } from './support/repo.util';

const SCRIPT = repoPath('deploy/docker/healthcheck.js');

interface HealthModule {
  healthPort(env: Record<string, string | undefined>): number;
  healthUrl(arg: string | undefined, env: Record<string, string | undefined>): string;
}
const health = require(SCRIPT) as HealthModule;

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('healthcheck.js', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  let status = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  beforeEach(() => {
    seen.length = 0;
    status = 200;
  });

  it('finds the port each app serves health on, from the variables the app reads', () => {
    expect(health.healthPort({ APP: 'gateway' })).toBe(8080);
    expect(health.healthPort({ APP: 'gateway', PORT: '3000', METRICS_PORT: '9999' })).toBe(3000);
    expect(health.healthPort({ APP: 'downloader-worker' })).toBe(9464);
    expect(health.healthPort({ APP: 'webhook-sender', METRICS_PORT: '' })).toBe(9465);
    expect(health.healthPort({ APP: 'webhook-sender', METRICS_PORT: '9999' })).toBe(9999);
    expect(() => health.healthPort({ APP: 'nope' })).toThrow(/unknown APP/);
  });

  it('takes a path or a whole URL', () => {
    expect(health.healthUrl(undefined, { APP: 'gateway' })).toBe('http://127.0.0.1:8080/health/ready');
    expect(health.healthUrl('/health/live', { APP: 'downloader-worker' })).toBe('http://127.0.0.1:9464/health/live');
    expect(health.healthUrl('http://127.0.0.1:1/x', {})).toBe('http://127.0.0.1:1/x');
  });

  it('exits 0 when the gateway answers 2xx on PORT', async () => {
    expect((await run(['/health/ready'], { APP: 'gateway', PORT: String(port) })).code).toBe(0);
    expect(seen).toEqual(['/health/ready']);
  });

  it('asks the worker on METRICS_PORT', async () => {
    expect((await run(['/health/live'], { APP: 'downloader-worker', METRICS_PORT: String(port) })).code).toBe(0);
    expect(seen).toEqual(['/health/live']);
  });

  it('exits 1 and says why on a 503', async () => {
    status = 503;
    const r = await run([`http://127.0.0.1:${port}/health/ready`], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('answered 503');
  });

  it('exits 1 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await run(['/health/ready'], { APP: 'gateway', PORT: String(freePort) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed');
  });
});
