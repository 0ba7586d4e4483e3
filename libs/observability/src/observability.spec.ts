import { Writable } from 'node:stream';
import pino from 'pino';
import { loadHttpTimeouts } from '@mda/config';
import { REDACTED_PATHS } from './logger';
import { counter, renderMetrics } from './metrics';
import { startOpsServer } from './ops-server';

describe('log redaction', () => {
  it('never writes API keys, cookies or secrets', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(c.toString()), cb()) });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    log.info({ apiKey: 'sekret-key-1', cookies: '# Netscape\n.x\tTRUE', req: { headers: { 'x-api-key': 'sekret-key-2' } }, job: { secret: 's3' } }, 'hello');
    const out = lines.join('');
    expect(out).toContain('hello');
    for (const s of ['sekret-key-1', 'sekret-key-2', 'Netscape', '"s3"']) expect(out).not.toContain(s);
    expect(out).toContain('[redacted]');
  });
});

describe('metrics helpers', () => {
  it('returns the same metric when asked twice and renders it', async () => {
    const a = counter('mda_test_things_total', 'things', ['kind']);
    const b = counter('mda_test_things_total', 'things', ['kind']);
    expect(a).toBe(b);
    a.inc({ kind: 'x' }, 2);
    const { body } = await renderMetrics();
    expect(body).toContain('mda_test_things_total{kind="x"} 2');
  });
});

describe('ops server', () => {
  it('serves live, ready (from the probe) and metrics on 127.0.0.1', async () => {
    let ready = false;
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', readiness: () => ({ ready, checks: { broker: ready ? 'up' : 'down' } }), timeouts: loadHttpTimeouts({}) });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const notReady = await fetch(`${base}/health/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'unavailable', checks: { broker: 'down' } });
      ready = true;
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const m = await fetch(`${base}/metrics`);
      expect(m.headers.get('content-type')).toMatch(/text\/plain/);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
