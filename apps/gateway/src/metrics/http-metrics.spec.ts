import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { renderMetrics } from '@mda/observability';
import { UNMATCHED_ROUTE, registerHttpMetrics } from './http-metrics';

function line(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const found = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

describe('gateway HTTP metrics', () => {
  const logged: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logged.push(chunk.toString());
      cb();
    },
  });
  const app = Fastify();

  beforeAll(async () => {
    registerHttpMetrics(app, pino({ level: 'info' }, sink));
    app.get('/api/v1/download/:request_id', async (req, reply) => reply.status(404).send({ error: 'no' }));
    app.post('/api/v1/download', async (_req, reply) => reply.status(202).send({ ok: true }));
    app.get('/health/ready', async () => ({ status: 'ok' }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('labels requests with the route pattern and status, never the raw URL', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/download/req_abcdefabcdef12?sig=secret-token' });
    await app.inject({ method: 'GET', url: '/api/v1/download/req_zzzzzzzzzzzz99' });
    await app.inject({ method: 'POST', url: '/api/v1/download', payload: { url: 'http://x' } });
    await app.inject({ method: 'GET', url: '/no/such/path/req_abcdefabcdef12' });
    await app.inject({ method: 'GET', url: '/health/ready' });
    const { body } = await renderMetrics();

    expect(line(body, 'mda_http_requests_total', { method: 'GET', route: '/api/v1/download/:request_id', status: '404' })).toBe(2);
    expect(line(body, 'mda_http_requests_total', { method: 'POST', route: '/api/v1/download', status: '202' })).toBe(1);
    expect(line(body, 'mda_http_requests_total', { method: 'GET', route: UNMATCHED_ROUTE, status: '404' })).toBe(1);
    expect(line(body, 'mda_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/download/:request_id', status_class: '4xx' })).toBe(2);
    expect(line(body, 'mda_http_request_duration_seconds_bucket', { route: '/api/v1/download', le: '+Inf' })).toBe(1);
    const http = body.split('\n').filter((l) => l.startsWith('mda_http_'));
    expect(http.length).toBeGreaterThan(0);
    for (const l of http) {
      expect(l).not.toMatch(/req_[a-z0-9]{12}|secret-token|\/no\/such/);
    }
  });

  it('writes one JSON access line per API request, with the pattern and not the query', () => {
    const lines = logged.map((l) => JSON.parse(l)).filter((l) => l.event === 'http.request');
    expect(lines).toHaveLength(4); // the readiness probe is not logged
    expect(lines[0]).toMatchObject({ method: 'GET', route: '/api/v1/download/:request_id', status_code: 404 });
    expect(typeof lines[0].duration_ms).toBe('number');
    expect(logged.join('')).not.toContain('secret-token');
  });
});
