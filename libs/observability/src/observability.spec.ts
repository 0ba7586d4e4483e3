import { Writable } from 'node:stream';
import pino from 'pino';
import { loadHttpTimeouts } from '@mda/config';
import { REDACTED_PATHS } from './logger';
import { counter, renderMetrics } from './metrics';
import { startOpsServer } from './ops-server';
import { PinoNestLogger, errorFields } from './nest-logger';

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

  it('never writes S3 credentials, at the depths a store config is logged', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(c.toString()), cb()) });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const credentials = { accessKeyId: 'AKIA-id-1', secretAccessKey: 's3-secret-1' };
    log.info({ config: { s3: { bucket: 'media', credentials } } }, 'one');
    log.info({ s3: { credentials } }, 'two');
    log.info({ credentials, store: { secretAccessKey: 's3-secret-2' } }, 'three');
    const out = lines.join('');
    expect(out).toContain('"bucket":"media"');
    for (const s of ['AKIA-id-1', 's3-secret-1', 's3-secret-2']) expect(out).not.toContain(s);
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
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ ready, checks: { broker: ready ? 'up' : 'down' } }),
      timeouts: loadHttpTimeouts({}),
    });
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

describe('NestJS logger on pino', () => {
  it('writes Nest errors as JSON fields with message, code and stack, never [object Object]', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(c.toString()), cb()) });
    const nest = new PinoNestLogger(pino({ level: 'debug' }, sink));
    const err = Object.assign(new Error('EACCES: permission denied, mkdir /app/storage/.partial'), { code: 'EACCES' });
    nest.error(err, 'ExceptionHandler');
    nest.error('Nest could not start', 'Error: boom\n    at x (y.js:1:1)', 'NestFactory');
    nest.log('Mapped {/x, GET} route', 'RouterExplorer');
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toEqual(expect.objectContaining({ level: 50, nest_context: 'ExceptionHandler', msg: err.message }));
    expect(parsed[0].err).toEqual(expect.objectContaining({ message: err.message, code: 'EACCES', stack: expect.stringContaining('Error: EACCES') }));
    expect(parsed[1]).toEqual(
      expect.objectContaining({ nest_context: 'NestFactory', msg: 'Nest could not start', err: { stack: expect.stringContaining('boom') } }),
    );
    expect(parsed[2]).toEqual(expect.objectContaining({ level: 20, nest_context: 'RouterExplorer' }));
    expect(lines.join('')).not.toContain('[object Object]');
    expect(errorFields({ code: 'X', detail: 1 })).toEqual({ message: '{"code":"X","detail":1}', code: 'X' });
  });
});
