import { execFileSync } from 'node:child_process';
import amqplib from 'amqplib';
import { waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';

describe('rate limit, missing cookie key and OpenAPI (gateway alone)', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway'], env: { RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '5' } });
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('serves the OpenAPI UI and JSON without a key, generated from the DTOs with the seed examples', async () => {
    const ui = await fetch(`${sys.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    expect(await ui.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${sys.baseUrl}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    for (const path of ['/docs-json', '/docs/json']) {
      const doc = (await (await fetch(`${sys.baseUrl}${path}`)).json()) as any;
      expect(doc.openapi).toMatch(/^3\./);
      for (const p of [
        '/api/v1/download',
        '/api/v1/downloads',
        '/api/v1/batch/download',
        '/api/v1/batch/{batch_id}',
        '/api/v1/playlist/preview',
        '/api/v1/playlist/download',
        '/api/v1/channel/info',
        '/api/v1/channel/download',
        '/api/v1/cookies',
        '/api/v1/cookies/{id}',
      ]) {
        expect(Object.keys(doc.paths)).toContain(p);
      }
      const dl = doc.components.schemas.CreateDownloadDto;
      expect(dl.required).toContain('url');
      expect(dl.properties.url.example).toBe('https://example.com/video');
      expect(dl.properties.webhook_url.example).toBe('https://your-app.com/webhook');
      expect(dl.properties.quality.enum).toEqual(expect.arrayContaining(['best', '1080p', 'audio']));
      expect(doc.components.schemas.CreateBatchDto.properties.concurrent_limit).toMatchObject({ minimum: 1, maximum: 10 });
      expect(doc.components.securitySchemes.api_key).toMatchObject({ type: 'apiKey', name: 'X-API-Key', in: 'header' });
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.description).toContain('"download_url": "https://api.example.com/files/videos/video-abc123.mp4"');
    }
  });

  it('without COOKIE_ENCRYPTION_KEY the app runs and cookies answer a clear 503', async () => {
    const r = await sys.api('POST', '/api/v1/cookies', { name: 'x', cookies: '127.0.0.1\tFALSE\t/\tFALSE\t0\ta\tb\n' });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('cookies_unavailable');
    expect(r.body.error.message).toMatch(/COOKIE_ENCRYPTION_KEY is not set/);
    expect((await fetch(`${sys.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('allows the burst, then 429 with Retry-After and RateLimit headers; health and metrics are exempt', async () => {
    // refill to a full bucket (1/s, burst 5) after the previous tests
    await new Promise((r) => setTimeout(r, 5000));
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await sys.api('GET', '/api/v1/downloads'));
    expect(results.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.slice(0, 5).map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    expect(results[0].headers.get('ratelimit-limit')).toBe('5');
    const refused = results[5];
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${sys.baseUrl}/health/ready`)).status).toBe(200);
      expect((await fetch(`${sys.baseUrl}/metrics`)).status).toBe(200);
    }
    // one token a second comes back
    await waitFor(async () => (await sys.api('GET', '/api/v1/downloads')).status === 200, { timeoutMs: 3000, intervalMs: 250, what: 'a token' });
  }, 30_000);
});

describe('503 when the broker refuses the job (gateway alone)', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway'] });
    // downloader.jobs takes nothing: every publish to it is nacked by the broker
    execFileSync('rabbitmqctl', [
      '-q',
      'set_policy',
      '-p',
      sys.vhost.name,
      '--apply-to',
      'queues',
      'full',
      '^downloader\\.jobs$',
      '{"max-length":0,"overflow":"reject-publish"}',
    ]);
    await waitFor(() => execFileSync('rabbitmqctl', ['-q', 'list_queues', '-p', sys.vhost.name, 'name', 'policy']).toString().includes('full'), {
      timeoutMs: 15_000,
      what: 'policy applied',
    });
    // a quorum queue refuses publishes once it is over its limit: one parked message puts it there
    const conn = await amqplib.connect(sys.vhost.amqpUrl);
    const ch = await conn.createConfirmChannel();
    const publish = () =>
      new Promise<boolean>((resolve) => ch.sendToQueue('downloader.jobs', Buffer.from('filler'), { persistent: true }, (err) => resolve(!err)));
    await waitFor(async () => !(await publish()), { timeoutMs: 15_000, what: 'broker refusing publishes to downloader.jobs' });
    await conn.close();
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('answers 503 to a download and to a batch, and stores nothing', async () => {
    const one = await sys.api('POST', '/api/v1/download', { url: 'http://127.0.0.1:9/a.mp4' });
    expect(one.status).toBe(503);
    expect(one.body.error.code).toBe('broker_unavailable');
    expect(one.headers.get('retry-after')).toBe('5');
    const batch = await sys.api('POST', '/api/v1/batch/download', { urls: ['http://127.0.0.1:9/a.mp4', 'http://127.0.0.1:9/b.mp4'] });
    expect(batch.status).toBe(503);
    expect(batch.body.error.code).toBe('broker_unavailable');
    expect((await sys.api('GET', '/api/v1/downloads?limit=100')).body.downloads).toEqual([]);
  }, 30_000);
});
