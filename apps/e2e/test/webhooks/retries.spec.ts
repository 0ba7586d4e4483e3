import { apiKeyFingerprint } from '@mda/contracts';
import { waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { DeadLetter, TestBroker, lifecycle, webhookTarget } from './support/broker';
import { Hit, TestReceiver, endOf, gaps } from './support/receiver';
import { verifyStandardWebhook, verifyStandardWebhookPython, verifyWebhookSignature } from './support/verify';

/**
 * The retry engine on the real broker: the sender and the gateway as built processes, a real
 * receiver on 127.0.0.1, download events published the way the worker publishes them.
 */
describe('webhook retries, outcomes and the delivery log', () => {
  let sys: TestSystem;
  let broker: TestBroker;
  let receiver: TestReceiver;
  const otherKey = 'other-key-' + Math.random().toString(36).slice(2, 12);
  const dead: DeadLetter[] = [];

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    sys = await TestSystem.start({ apps: ['gateway', 'webhook-sender'], env: { WEBHOOK_TIMEOUT_SEC: '1', API_KEYS: otherKey } });
    broker = await TestBroker.connect(sys.vhost.amqpUrl);
  }, 90_000);

  afterAll(async () => {
    await broker?.close();
    await sys?.stop();
    await receiver?.close();
  });

  /** A job in the gateway's store (no worker runs, so it stays queued) whose webhooks go to `path`. */
  async function job(path: string) {
    const r = await sys.api('POST', '/api/v1/download', { url: 'https://media.example/video.mp4', webhook_url: receiver.url(path) });
    expect(r.status).toBe(202);
    const requestId = r.body.request_id as string;
    return { requestId, events: lifecycle(requestId, webhookTarget(receiver.url(path), sys.apiKey)) };
  }

  async function deadLetterOf(eventId: string): Promise<DeadLetter> {
    return waitFor(
      async () => {
        dead.push(...(await broker.takeDeadLetters()));
        return dead.find((d) => d.delivery.event_id === eventId);
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `dead letter of ${eventId}` },
    );
  }

  async function log(requestId: string, until: (body: any) => boolean) {
    return waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${requestId}/webhooks`);
        return r.status === 200 && until(r.body) ? r.body : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `delivery log of ${requestId}` },
    );
  }

  const headerOf = (h: Hit, name: string) => h.headers[name] as string;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("follows the guide's Example Retry Sequence: timeout, wait 1 s, 503, wait 2 s, 200", async () => {
    const path = '/seed-sequence';
    receiver.route(path, (_hit, n) => (n === 0 ? 'hang' : n === 1 ? { status: 503, body: 'unavailable' } : { status: 200, body: '{"status":"ok"}' }));
    const { requestId, events } = await job(path);
    const eventId = await broker.publishEvent('download.completed', events.completed());
    await waitFor(() => receiver.on(path).length >= 3, { timeoutMs: 15_000, what: 'three attempts' });

    const hits = receiver.on(path);
    const [toRetry1, toRetry2] = gaps(hits);
    expect(toRetry1).toBeGreaterThan(750); // from the 1 s timeout to the next attempt
    expect(toRetry1).toBeLessThan(1250);
    expect(toRetry2).toBeGreaterThan(1750); // from the 503 to the next attempt
    expect(toRetry2).toBeLessThan(2250);
    // the timeout itself was WEBHOOK_TIMEOUT_SEC=1
    expect(endOf(hits[0]) - hits[0].arrivedAt).toBeGreaterThan(900);
    expect(endOf(hits[0]) - hits[0].arrivedAt).toBeLessThan(1500);

    // every attempt: the same bytes, the same id, headers that verify
    for (const [i, h] of hits.entries()) {
      expect(h.body.equals(hits[0].body)).toBe(true);
      expect(headerOf(h, 'content-type')).toBe('application/json');
      expect(headerOf(h, 'user-agent')).toBe('MediaDownloadAPI-Webhooks/1.0');
      expect(headerOf(h, 'x-webhook-event')).toBe('download.completed');
      expect(headerOf(h, 'x-webhook-id')).toBe(eventId);
      expect(headerOf(h, 'x-webhook-attempt')).toBe(String(i + 1));
      expect(headerOf(h, 'x-webhook-signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(h.body, headerOf(h, 'x-webhook-signature'), sys.apiKey)).toBe(true);
      expect(verifyWebhookSignature(h.body, headerOf(h, 'x-webhook-signature'), otherKey)).toBe(false);
      expect(headerOf(h, 'webhook-id')).toBe(eventId);
      expect(Math.abs(Number(headerOf(h, 'webhook-timestamp')) - Date.now() / 1000)).toBeLessThan(30);
      expect(verifyStandardWebhook(h, sys.apiKey)).toEqual(JSON.parse(h.body.toString('utf8')));
      expect(() => verifyStandardWebhook(h, otherKey)).toThrow();
      expect(verifyStandardWebhookPython(h, sys.apiKey)).toBe(true);
      expect(verifyStandardWebhookPython(h, otherKey)).toBe(false);
    }
    // a retry is signed for its own moment (replay protection), the body is not re-serialised
    expect(Number(headerOf(hits[2], 'webhook-timestamp'))).toBeGreaterThanOrEqual(Number(headerOf(hits[0], 'webhook-timestamp')) + 2);
    const payload = JSON.parse(hits[0].body.toString('utf8'));
    expect(payload).toMatchObject({ event: 'download.completed', request_id: requestId, data: { request_id: requestId, status: 'completed' } });

    const body = await log(requestId, (b) => b.attempts.length === 3);
    expect(body.attempts.map((a: any) => [a.attempt, a.outcome, a.status_code, a.error])).toEqual([
      [1, 'retrying', null, 'timeout'],
      [2, 'retrying', 503, 'http_503'],
      [3, 'delivered', 200, null],
    ]);
    expect(body.attempts[1].response_body).toBe('unavailable');
    expect(body.attempts.every((a: any) => a.webhook_id === eventId && a.event === 'download.completed')).toBe(true);
    expect(body.events).toEqual([expect.objectContaining({ webhook_id: eventId, event: 'download.completed', state: 'delivered', attempts: 3 })]);
  }, 40_000);

  it('always 500: exactly 4 attempts 1 s, 2 s, 4 s apart, then dead-lettered, logged, and redeliverable', async () => {
    const path = '/always-500';
    receiver.route(path, () => ({ status: 500, body: 'x'.repeat(3000) }));
    const { requestId, events } = await job(path);
    const eventId = await broker.publishEvent('download.failed', events.failed('Video not available'));

    const letter = await deadLetterOf(eventId);
    expect(letter.reason).toBe('retries_exhausted:http_500');
    expect(letter.delivery).toMatchObject({ event_id: eventId, attempt: 4, request_id: requestId });
    const hits = receiver.on(path);
    expect(hits).toHaveLength(4);
    const measured = gaps(hits);
    [1000, 2000, 4000].forEach((expected, i) => {
      expect(measured[i]).toBeGreaterThanOrEqual(expected - 250);
      expect(measured[i]).toBeLessThanOrEqual(expected + 250);
    });

    const body = await log(requestId, (b) => b.attempts.length === 4);
    expect(body.attempts.map((a: any) => [a.attempt, a.outcome, a.status_code])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'retrying', 500],
      [4, 'dead', 500],
    ]);
    expect(body.attempts[0].response_body).toHaveLength(1024); // bounded to 1 KiB
    expect(body.attempts.slice(0, 3).map((a: any) => Date.parse(a.next_retry_at) - Date.parse(a.attempted_at))).toEqual([1000, 2000, 4000]);
    expect(body.attempts[3].next_retry_at).toBeNull();
    expect(body.attempts[3].error).toBe('retries_exhausted:http_500');
    expect(body.attempts.every((a: any) => typeof a.duration_ms === 'number' && a.redelivery === 0)).toBe(true);
    expect(body.events).toEqual([expect.objectContaining({ webhook_id: eventId, state: 'dead', attempts: 4 })]);

    // only the owner sees or redelivers it
    expect((await sys.api('GET', `/api/v1/download/${requestId}/webhooks`, undefined, { 'x-api-key': otherKey })).status).toBe(404);
    expect((await sys.api('POST', `/api/v1/download/${requestId}/webhooks/redeliver`, undefined, { 'x-api-key': otherKey })).status).toBe(404);
    expect((await sys.api('GET', `/api/v1/download/req_doesnotexist000/webhooks`)).status).toBe(404);
    expect((await sys.api('GET', `/api/v1/download/${requestId}/webhooks`, undefined, { 'x-api-key': 'wrong-key-123' })).status).toBe(401);

    // the receiver is fixed: redeliver the dead event, the same bytes under the same id
    receiver.route(path, () => ({ status: 200, body: '{"status":"ok"}' }));
    const re = await sys.api('POST', `/api/v1/download/${requestId}/webhooks/redeliver`);
    expect(re.status).toBe(202);
    expect(re.body).toEqual({ request_id: requestId, status: 'queued', count: 1, queued: [{ webhook_id: eventId, event: 'download.failed', redelivery: 1 }] });
    await waitFor(() => receiver.on(path).length === 5, { what: 'the redelivery' });
    const again = receiver.on(path)[4];
    expect(again.body.equals(hits[0].body)).toBe(true);
    expect(again.headers['x-webhook-id']).toBe(eventId);
    expect(again.headers['x-webhook-attempt']).toBe('1');
    expect(verifyWebhookSignature(again.body, again.headers['x-webhook-signature'] as string, sys.apiKey)).toBe(true);
    const after = await log(requestId, (b) => b.attempts.length === 5 && b.events[0].state === 'delivered');
    expect(after.attempts[4]).toMatchObject({ webhook_id: eventId, attempt: 1, redelivery: 1, outcome: 'delivered', status_code: 200 });

    // nothing dead any more: 409; everything, on request
    const none = await sys.api('POST', `/api/v1/download/${requestId}/webhooks/redeliver`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('conflict');
    expect((await sys.api('POST', `/api/v1/download/${requestId}/webhooks/redeliver?all=maybe`)).status).toBe(400);
    const all = await sys.api('POST', `/api/v1/download/${requestId}/webhooks/redeliver?all=true`);
    expect(all.status).toBe(202);
    expect(all.body.queued).toEqual([{ webhook_id: eventId, event: 'download.failed', redelivery: 2 }]);
    await waitFor(() => receiver.on(path).length === 6, { what: 'the second redelivery' });
    await log(requestId, (b) => b.attempts.some((a: any) => a.redelivery === 2 && a.outcome === 'delivered'));
  }, 60_000);

  it('400 is permanent: exactly one attempt, dead-lettered', async () => {
    const path = '/bad-request';
    receiver.route(path, () => ({ status: 400, body: '{"error":"nope"}' }));
    const { requestId, events } = await job(path);
    const eventId = await broker.publishEvent('download.started', events.started());
    expect((await deadLetterOf(eventId)).reason).toBe('http_400');
    await sleep(1500); // longer than the first retry tier: proves no retry was scheduled
    expect(receiver.on(path)).toHaveLength(1);
    const body = await log(requestId, (b) => b.attempts.length === 1 && b.events.length === 1);
    expect(body.attempts[0]).toMatchObject({ attempt: 1, outcome: 'dead', status_code: 400, response_body: '{"error":"nope"}', next_retry_at: null });
  }, 30_000);

  it('429 with Retry-After: 3 waits at least 3 s (the 4 s tier) instead of 1 s', async () => {
    const path = '/rate-limited';
    receiver.route(path, (_h, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 }));
    const { events } = await job(path);
    await broker.publishEvent('download.started', events.started());
    await waitFor(() => receiver.on(path).length >= 2, { timeoutMs: 15_000, what: 'the retry after 429' });
    const [gap] = gaps(receiver.on(path));
    expect(gap).toBeGreaterThanOrEqual(3000);
    expect(gap).toBeLessThanOrEqual(4250);
  }, 30_000);

  it('a redirect is not followed and is a permanent failure', async () => {
    const path = '/moved';
    const target = receiver.url('/moved-here');
    receiver.route(path, () => ({ status: 302, headers: { location: target } }));
    const { requestId, events } = await job(path);
    const eventId = await broker.publishEvent('download.started', events.started());
    expect((await deadLetterOf(eventId)).reason).toBe('redirect_302_not_followed');
    const body = await log(requestId, (b) => b.attempts.length === 1 && b.events.length === 1);
    expect(body.attempts[0]).toMatchObject({ outcome: 'dead', status_code: 302, error: 'redirect_302_not_followed' });
    expect(receiver.on(path)).toHaveLength(1);
    expect(receiver.on('/moved-here')).toHaveLength(0);
  }, 30_000);

  it('keeps a job’s events in order, does not let a retrying progress hold back completed, and drops it once stale', async () => {
    const path = '/ordered';
    receiver.route(path, (h, n) => (h.headers['x-webhook-event'] === 'download.progress' && n === 1 ? { status: 500 } : { status: 200 }));
    const { requestId, events } = await job(path);
    await broker.publishEvent('download.started', events.started());
    const progressId = await broker.publishEvent('download.progress', events.progress(50));
    await broker.publishEvent('download.completed', events.completed());
    await waitFor(() => receiver.on(path).length >= 3, { what: 'started, progress, completed' });
    const hits = receiver.on(path);
    expect(hits.map((h) => h.headers['x-webhook-event'])).toEqual(['download.started', 'download.progress', 'download.completed']);
    // completed went out while progress waited for its 1 s retry
    expect(hits[2].arrivedAt - endOf(hits[1])).toBeLessThan(800);

    const body = await log(requestId, (b) => b.attempts.some((a: any) => a.webhook_id === progressId && a.attempt === 2));
    const progress = body.attempts.filter((a: any) => a.webhook_id === progressId);
    expect(progress.map((a: any) => [a.attempt, a.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'dropped'],
    ]);
    expect(receiver.on(path).filter((h) => h.headers['x-webhook-event'] === 'download.progress')).toHaveLength(1);
    expect(body.events.find((e: any) => e.webhook_id === progressId).state).toBe('dropped');
  }, 30_000);

  it('the API key fingerprint, not the key, travels with the delivery', async () => {
    // the dead letters taken above carry the fingerprint only
    expect(dead.length).toBeGreaterThan(0);
    for (const d of dead) {
      expect(d.delivery.key_fp).toBe(apiKeyFingerprint(sys.apiKey));
      expect(JSON.stringify(d)).not.toContain(sys.apiKey);
    }
  });
});
