import { parseRawResponse, rawHttpExchange as rawExchange } from '@mda/testing';
import { startOpsServer } from './ops-server';

describe('ops server hardening (worker and sender health/metrics port)', () => {
  let ops: Awaited<ReturnType<typeof startOpsServer>>;

  beforeAll(async () => {
    const timeouts = { requestTimeoutMs: 1000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 500, idleTimeoutMs: 20_000 };
    ops = await startOpsServer({ port: 0, host: '127.0.0.1', readiness: () => ({ ready: true, checks: {} }), timeouts });
  });
  afterAll(async () => ops?.close());

  it('answers 408 in the error shape and closes a connection whose headers trickle in', async () => {
    let timer: NodeJS.Timeout | undefined;
    const r = await rawExchange(ops.port, (write) => {
      write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => write('X-Slow: 1\r\n'), 200);
    });
    clearInterval(timer);
    const res = parseRawResponse(r.text);
    expect(res.status).toBe(408);
    expect(res.body).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
    expect(res.head).toContain('connection: close');
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(r.closedAfterMs).toBeLessThan(3000);
  });

  it('answers 431 in the error shape to oversized headers', async () => {
    const r = await rawExchange(ops.port, (write) => write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    const res = parseRawResponse(r.text);
    expect(res.status).toBe(431);
    expect(res.body.error.code).toBe('headers_too_large');
  });

  it('answers 400 in the error shape to bytes that are not HTTP', async () => {
    const r = await rawExchange(ops.port, (write) => write('HELLO THERE\r\n\r\n'));
    const res = parseRawResponse(r.text);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const r = await rawExchange(ops.port, (write) => write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(r.text).toMatch(/^HTTP\/1.1 200/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(400);
    expect(r.closedAfterMs).toBeLessThan(2500);
  });
});
