import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { openClientAddressLimits } from '../rate-limit/client-address.limits.fake';
import { ApiKeyRegistry } from '../common/api-keys';
import { ErrorFilter } from '../common/error.filter';
import { DashboardController } from './dashboard.controller';
import { DashboardFiles } from './adapters/dashboard-files';

const HTML = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body></body></html>';
const JS = 'console.log("dashboard")';

@Controller('api/v1')
class SomeApiController {
  @Get('download/:id')
  get() {
    return { ok: true };
  }
}

async function startApp(files: DashboardFiles) {
  @Module({
    controllers: [SomeApiController, DashboardController],
    providers: [
      { provide: DashboardFiles, useValue: files },
      { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry(['k-1234567890']) },
      { provide: APP_GUARD, useClass: ApiKeyGuard },
      openClientAddressLimits(),
    ],
  })
  class TestModule {}
  const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new ErrorFilter(pino({ level: 'silent' })));
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

describe('dashboard served by the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mda-dashboard-'));
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), HTML);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), JS);
    ({ app, base } = await startApp(new DashboardFiles(dir)));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / without a key, revalidated, with a strict content policy', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).toBe(HTML);
  });

  it('serves hashed assets with long immutable caching and validators', async () => {
    const res = await fetch(`${base}/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(JS);
    // fetch() asks for gzip and inflates it: ask plainly to see both encodings
    const plain = await fetch(`${base}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(JS);
    const etag = res.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await fetch(`${base}/assets/index-abc123.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers the page for client-side routes, but keeps API, operator and asset 404s', async () => {
    const page = await fetch(`${base}/downloads/req_abcdefabcdef`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(HTML);

    for (const path of ['/api/v1/nope', '/api/v1/download/x/y/z', '/files/videos/nothing.mp4', '/health/nope', '/metrics/x', '/docs/x', '/assets/missing.js']) {
      const res = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(((await res.json()) as any).error.code).toBe('not_found');
    }
    // a script or API client asking for an unknown path gets JSON, not the page
    const json = await fetch(`${base}/somewhere`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    // the API itself is untouched and still needs its key
    expect((await fetch(`${base}/api/v1/download/abc`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/download/abc`, { headers: { 'x-api-key': 'k-1234567890' } })).status).toBe(200);
  });

  it('says plainly when the dashboard was not built', async () => {
    const bare = await startApp(new DashboardFiles(null));
    try {
      const res = await fetch(`${bare.base}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/not built.*nx run dashboard:build/);
      expect((await fetch(`${bare.base}/assets/index-abc123.js`)).status).toBe(404);
    } finally {
      await bare.app.close();
    }
  });
});
