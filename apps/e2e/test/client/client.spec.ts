import { Job, MdaClient, StreamEvent, subscribeEvents, verifyStandardWebhook, verifyWebhookSignature } from '@mda/client';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { TestReceiver } from '../webhooks/support/receiver';
import { Doc, DocumentedSchemas } from '../support/openapi-schemas';

/**
 * The system driven through @mda/client (generated from /docs-json): submit, status, list, cancel,
 * webhooks, redeliver and the events stream; every live answer and webhook body is checked against
 * the schema the document gives it.
 */
describe('the typed client against the running system', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let slow: MediaServer;
  let receiver: TestReceiver;
  let client: MdaClient;
  let schemas: DocumentedSchemas;
  let clip: string;
  const events: StreamEvent[] = [];
  const abort = new AbortController();
  let stream: Promise<unknown>;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { WEBHOOK_MAX_RETRIES: '1' } });
    clip = await makeClip({ seconds: 2, title: 'Client Clip' });
    media = await serveMedia(mediaRoot());
    slow = await serveMedia(mediaRoot(), { bytesPerSecond: 20_000 });
    receiver = await TestReceiver.start();
    client = new MdaClient({ baseUrl: sys.baseUrl, apiKey: sys.apiKey });
    schemas = new DocumentedSchemas((await (await fetch(`${sys.baseUrl}/docs-json`)).json()) as Doc);
    stream = subscribeEvents({ baseUrl: sys.baseUrl, apiKey: sys.apiKey, signal: abort.signal, onEvent: (e) => events.push(e) });
  }, 90_000);

  afterAll(async () => {
    abort.abort();
    await stream;
    await Promise.all([media?.close(), slow?.close(), receiver?.close()]);
    await sys?.stop();
  });

  let job: Job;

  it('submits, follows and lists a download; every answer matches its documented schema', async () => {
    // the receiver refuses: both attempts fail, so the events end dead (for redeliver below)
    const hook = receiver.route('/hook', () => ({ status: 500 }));
    const submitted = await client.submit({ url: media.urlFor(clip), quality: 'best', webhook_url: hook });
    expect(submitted.ok).toBe(true);
    if (!submitted.ok) return;
    expect(submitted.status).toBe(202);
    expect(schemas.responseProblems('post', '/api/v1/download', 202, submitted.data)).toEqual([]);

    job = await waitFor(
      async () => {
        const r = await client.get(submitted.data.request_id);
        if (!r.ok) throw new Error(r.error.error.message);
        expect(schemas.responseProblems('get', '/api/v1/download/{request_id}', 200, r.data)).toEqual([]);
        return r.data.status === 'completed' || r.data.status === 'failed' ? r.data : undefined;
      },
      { timeoutMs: 60_000, what: 'job final' },
    );
    expect(job.status).toBe('completed');
    expect(job.file_info?.download_url).toContain('signature=');

    const list = await client.list({ limit: 5 });
    expect(list.ok && list.data.downloads.map((j) => j.request_id)).toContain(job.request_id);
    if (list.ok) expect(schemas.responseProblems('get', '/api/v1/downloads', 200, list.data)).toEqual([]);

    const logs = await client.logs(job.request_id);
    expect(logs.ok).toBe(true);
    if (logs.ok) expect(schemas.responseProblems('get', '/api/v1/download/{request_id}/logs', 200, logs.data)).toEqual([]);
  }, 90_000);

  it('streams the job changes over SSE as documented Jobs', async () => {
    await waitFor(() => events.some((e) => e.event === 'job' && (e.data as Job).request_id === job.request_id && (e.data as Job).status === 'completed'), {
      what: 'completed job event',
    });
    const mine = events.filter((e) => e.event === 'job' && (e.data as Job).request_id === job.request_id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const e of mine) expect(schemas.schemaProblems('Job', e.data)).toEqual([]);
  });

  it('webhook bodies match the documented payloads, carry the documented signatures, and can be listed and redelivered', async () => {
    await waitFor(
      async () => {
        const r = await client.webhooks(job.request_id);
        return r.ok && r.data.events.length >= 3 && r.data.events.every((e) => e.state === 'dead') ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'webhook events dead' },
    );
    const hits = receiver.on('/hook');
    expect(new Set(hits.map((h) => h.headers['x-webhook-event']))).toEqual(
      new Set([
        'download.started',
        'download.completed',
        ...(hits.some((h) => h.headers['x-webhook-event'] === 'download.progress') ? ['download.progress'] : []),
      ]),
    );
    for (const h of hits) {
      const event = String(h.headers['x-webhook-event']);
      expect(schemas.webhookProblems(event, JSON.parse(h.body.toString()))).toEqual([]);
      expect(verifyWebhookSignature(h.body, h.headers['x-webhook-signature'] as string, sys.apiKey)).toBe(true);
      expect(verifyStandardWebhook(h.body, h.headers as Record<string, string>, sys.apiKey)).toEqual({ ok: true });
      const documented = (schemas.doc.webhooks[event].post.parameters as Array<{ name: string }>).map((p) => p.name.toLowerCase());
      for (const name of documented) expect(h.headers[name]).toBeDefined();
    }

    const deliveries = await client.webhooks(job.request_id);
    expect(deliveries.ok).toBe(true);
    if (deliveries.ok) expect(schemas.responseProblems('get', '/api/v1/download/{request_id}/webhooks', 200, deliveries.data)).toEqual([]);

    const before = receiver.on('/hook').length;
    const again = await client.redeliver(job.request_id);
    expect(again.ok && again.status).toBe(202);
    if (again.ok) {
      expect(schemas.responseProblems('post', '/api/v1/download/{request_id}/webhooks/redeliver', 202, again.data)).toEqual([]);
      expect(again.data.count).toBeGreaterThanOrEqual(2);
    }
    await waitFor(() => receiver.on('/hook').length > before, { what: 'redelivered webhook' });
  }, 60_000);

  it('cancels a running download, and its errors are the documented Error shape', async () => {
    const big = await makeClip({ seconds: 20, title: 'Slow Clip' });
    const submitted = await client.submit({ url: slow.urlFor(big) });
    if (!submitted.ok) throw new Error(submitted.error.error.message);
    await waitFor(
      async () => {
        const r = await client.get(submitted.data.request_id);
        return r.ok && r.data.status === 'running';
      },
      { timeoutMs: 30_000, what: 'running' },
    );
    const cancelled = await client.cancel(submitted.data.request_id);
    expect(cancelled.ok).toBe(true);
    if (cancelled.ok) {
      expect(cancelled.data.cancel_requested).toBe(true);
      expect(schemas.responseProblems('delete', '/api/v1/download/{request_id}', cancelled.status, cancelled.data)).toEqual([]);
    }
    await waitFor(
      async () => {
        const r = await client.get(submitted.data.request_id);
        return r.ok && r.data.status === 'cancelled';
      },
      { timeoutMs: 30_000, what: 'cancelled' },
    );

    const again = await client.cancel(submitted.data.request_id);
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.status).toBe(409);
      expect(schemas.responseProblems('delete', '/api/v1/download/{request_id}', 409, again.error)).toEqual([]);
    }
    const missing = await client.get('req_doesnotexist000');
    expect(missing).toMatchObject({ ok: false, status: 404, error: { error: { code: 'not_found' } } });
    if (!missing.ok) expect(schemas.responseProblems('get', '/api/v1/download/{request_id}', 404, missing.error)).toEqual([]);
    const bad = await client.submit({ url: 'not a url' });
    expect(bad).toMatchObject({ ok: false, status: 400, error: { error: { code: 'validation_error' } } });
    if (!bad.ok) expect(schemas.responseProblems('post', '/api/v1/download', 400, bad.error)).toEqual([]);
    const noKey = await new MdaClient({ baseUrl: sys.baseUrl, apiKey: 'wrong-key-000000' }).list();
    expect(noKey).toMatchObject({ ok: false, status: 401 });
    if (!noKey.ok) expect(schemas.responseProblems('get', '/api/v1/downloads', 401, noKey.error)).toEqual([]);
  }, 90_000);
});
