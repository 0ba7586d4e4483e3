import { Clock, PublishKey, WebhookAttempted, WebhookDelivery, apiKeyFingerprint } from '@mda/contracts';
import { EventPublisher, SendOptions } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { waitFor } from '@mda/testing';
import { loadSenderConfig } from '../config/sender-config';
import { DeliveryService } from './delivery.service';
import { FinalEvents } from './final-events';
import { AttemptLog } from './ports/attempt-log';
import { WebhookClient, WebhookNetworkError, WebhookResponse } from './ports/webhook-client';

const KEY = 'unit-test-key-123';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2026-01-01T00:00:00.000Z');
  }
}

class ScriptedClient extends WebhookClient {
  readonly calls: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  constructor(private readonly answers: Array<Partial<WebhookResponse> | WebhookNetworkError>) {
    super();
  }
  async post(url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse> {
    this.calls.push({ url, headers, body });
    const a = this.answers.shift() ?? { statusCode: 200 };
    if (a instanceof WebhookNetworkError) throw a;
    return { statusCode: 200, headers: {}, body: '', durationMs: 3, ...a };
  }
}

/** Records what would be published, by routing key; attempt records go to `log` (confirmed at once unless `publish` is held). */
class RecordingPublisher {
  readonly published: Array<{ routingKey: string; type: string; data: unknown; headers?: Record<string, string | number> }> = [];
  readonly log: AttemptLog = { record: (a: WebhookAttempted) => this.publish('webhook.attempted', a, a.event_id) };
  async publish(type: PublishKey, data: unknown, _c: string, opts?: SendOptions) {
    this.published.push({ routingKey: opts?.routingKey ?? type, type, data, headers: opts?.headers });
  }
  attempts(): WebhookAttempted[] {
    return this.published.filter((p) => p.routingKey === 'webhook.attempted').map((p) => p.data as WebhookAttempted);
  }
}

function delivery(over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    event_id: 'msg_event',
    event: 'download.completed',
    request_id: 'req_abcdefabcdef',
    batch_id: null,
    url: 'https://hooks.example/x',
    key_fp: apiKeyFingerprint(KEY),
    body: '{"event":"download.completed"}',
    attempt: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

function setup(answers: Array<Partial<WebhookResponse> | WebhookNetworkError>, env: Record<string, string> = {}) {
  const client = new ScriptedClient(answers);
  const events = new RecordingPublisher();
  const finals = new FinalEvents();
  const config = loadSenderConfig({ API_KEY: KEY, ...env });
  const service = new DeliveryService(
    client,
    events as unknown as EventPublisher,
    events.log,
    finals,
    new FixedClock(),
    config,
    createLogger('test', 'silent'),
  );
  return { client, events, finals, service };
}

describe('DeliveryService', () => {
  it('parks a retry in the next tier as a webhook.deliver message with attempt + 1', async () => {
    const { service, events } = setup([{ statusCode: 500 }]);
    expect(await service.deliver(delivery())).toBe('ack');
    const retry = events.published.find((p) => p.routingKey === 'webhook.retry.1');
    expect(retry).toMatchObject({ type: 'webhook.deliver', data: { attempt: 2, event_id: 'msg_event', body: '{"event":"download.completed"}' } });
    expect(events.attempts()[0]).toMatchObject({ outcome: 'retrying', status_code: 500, next_retry_in_sec: 1, redelivery: 0 });
  });

  it('honours Retry-After on 429 and 503 but not on other statuses', async () => {
    for (const [status, key] of [
      [429, 'webhook.retry.3'],
      [503, 'webhook.retry.3'],
      [500, 'webhook.retry.1'],
    ] as const) {
      const { service, events } = setup([{ statusCode: status, headers: { 'retry-after': '3' } }]);
      await service.deliver(delivery());
      expect(events.published.map((p) => p.routingKey)).toContain(key);
    }
  });

  it('dead-letters after WEBHOOK_MAX_RETRIES retries, with the reason', async () => {
    const { service, events } = setup([{ statusCode: 502 }], { WEBHOOK_MAX_RETRIES: '2' });
    await service.deliver(delivery({ attempt: 3 }));
    const dead = events.published.find((p) => p.routingKey === 'webhook.dead');
    expect(dead?.headers).toEqual({ 'x-dead-reason': 'retries_exhausted:http_502' });
    expect(events.attempts()[0]).toMatchObject({ outcome: 'dead', attempt: 3, delivery: { body: '{"event":"download.completed"}' } });
  });

  it('a refused private address is permanent', async () => {
    const { service, events } = setup([new WebhookNetworkError('forbidden_address', 'private', 0)]);
    await service.deliver(delivery());
    expect(events.published.find((p) => p.routingKey === 'webhook.dead')?.headers).toEqual({ 'x-dead-reason': 'forbidden_address' });
  });

  it('drops a progress retry once the job’s final event was delivered, without sending it', async () => {
    const { service, events, client } = setup([{ statusCode: 200 }]);
    await service.deliver(delivery({ event_id: 'msg_final' }));
    await service.deliver(delivery({ event: 'download.progress', event_id: 'msg_progress', attempt: 2 }));
    expect(client.calls).toHaveLength(1);
    expect(events.attempts().map((a) => [a.event_id, a.outcome])).toEqual([
      ['msg_final', 'delivered'],
      ['msg_progress', 'dropped'],
    ]);
  });

  it('numbers a redelivery’s attempts and keeps the same webhook id', async () => {
    const { service, events, client } = setup([{ statusCode: 200 }]);
    await service.deliver(delivery({ redelivery: true, redelivery_seq: 2 }));
    expect(client.calls[0].headers['x-webhook-id']).toBe('msg_event');
    expect(events.attempts()[0]).toMatchObject({ redelivery: 2, outcome: 'delivered' });
  });

  it('dead-letters a delivery whose API key is no longer configured', async () => {
    const { service, events, client } = setup([]);
    await service.deliver(delivery({ key_fp: apiKeyFingerprint('some-other-key') }));
    expect(client.calls).toHaveLength(0);
    expect(events.published.find((p) => p.routingKey === 'webhook.dead')?.headers).toEqual({ 'x-dead-reason': 'unknown_api_key' });
  });

  it("posts a job's events in order, and the next one does not wait for the broker to confirm the last one's record", async () => {
    const { service, events, client } = setup([]);
    // the broker sits on every confirm until released
    const held: Array<() => void> = [];
    const publish = events.publish.bind(events);
    events.publish = (...args: Parameters<RecordingPublisher['publish']>) =>
      new Promise<void>((resolve) => held.push(() => void publish(...args).then(resolve)));
    const started = service.deliver(delivery({ event_id: 'msg_1', event: 'download.started' }));
    const progress = service.deliver(delivery({ event_id: 'msg_2', event: 'download.progress' }));
    const completed = service.deliver(delivery({ event_id: 'msg_3', event: 'download.completed' }));
    await waitFor(() => client.calls.length === 3, { timeoutMs: 2000, intervalMs: 1, what: 'three POSTs' });
    expect(client.calls.map((c) => c.headers['x-webhook-id'])).toEqual(['msg_1', 'msg_2', 'msg_3']);
    // none acked yet: each ack waits for its own record's confirm
    let settled = 0;
    for (const p of [started, progress, completed]) void p.then(() => settled++);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(0);
    held.splice(0).forEach((release) => release());
    expect(await Promise.all([started, progress, completed])).toEqual(['ack', 'ack', 'ack']);
    expect(events.attempts().map((a) => [a.event_id, a.outcome])).toEqual([
      ['msg_1', 'delivered'],
      ['msg_2', 'delivered'],
      ['msg_3', 'delivered'],
    ]);
  });

  describe('per receiver host cap', () => {
    /** A receiver that answers only when the test says so. */
    class HeldClient extends WebhookClient {
      readonly calls: string[] = [];
      readonly open: Array<() => void> = [];
      async post(url: string, headers: Record<string, string>): Promise<WebhookResponse> {
        this.calls.push(`${new URL(url).hostname} ${headers['x-webhook-id']}`);
        await new Promise<void>((r) => this.open.push(r));
        return { statusCode: 200, headers: {}, body: '', durationMs: 3 };
      }
    }

    function capped(perHost: number) {
      const client = new HeldClient();
      const events = new RecordingPublisher();
      const config = loadSenderConfig({ API_KEY: KEY, WEBHOOK_CONCURRENCY_PER_HOST: String(perHost) });
      const service = new DeliveryService(
        client,
        events as unknown as EventPublisher,
        events.log,
        new FinalEvents(),
        new FixedClock(),
        config,
        createLogger('test', 'silent'),
      );
      return { client, events, service };
    }

    it('parks a delivery over its host cap in the 1 s tier unchanged, without an attempt, and lets other hosts through', async () => {
      const { service, events, client } = capped(2);
      const slow = 'https://slow.example/hook';
      const held = [
        service.deliver(delivery({ url: slow, request_id: 'req_aaaaaaaaaaa1', event_id: 'msg_a1' })),
        service.deliver(delivery({ url: slow, request_id: 'req_aaaaaaaaaaa2', event_id: 'msg_a2' })),
      ];
      const third = delivery({ url: slow, request_id: 'req_aaaaaaaaaaa3', event_id: 'msg_a3', attempt: 2 });
      expect(await service.deliver(third)).toBe('ack');
      expect(events.published).toEqual([{ routingKey: 'webhook.retry.1', type: 'webhook.deliver', data: third }]);

      const other = service.deliver(delivery({ url: 'https://fast.example/hook', request_id: 'req_bbbbbbbbbbb1', event_id: 'msg_b1' }));
      await waitFor(() => client.calls.length === 3, { timeoutMs: 2000, intervalMs: 1, what: 'three POSTs' });
      expect(client.calls).toEqual(['slow.example msg_a1', 'slow.example msg_a2', 'fast.example msg_b1']);
      client.open.splice(0).forEach((answer) => answer());
      expect(await Promise.all([...held, other])).toEqual(['ack', 'ack', 'ack']);
      // three attempts recorded; the parked delivery is none of them
      expect(
        events
          .attempts()
          .map((a) => a.event_id)
          .sort(),
      ).toEqual(['msg_a1', 'msg_a2', 'msg_b1']);

      // once its host has room, the parked delivery comes back as the same attempt
      const back = service.deliver(third);
      await waitFor(() => client.open.length === 1, { timeoutMs: 2000, intervalMs: 1, what: 'the parked delivery posted' });
      client.open.splice(0).forEach((answer) => answer());
      expect(await back).toBe('ack');
      expect(events.attempts().find((a) => a.event_id === 'msg_a3')).toMatchObject({ attempt: 2, outcome: 'delivered' });
    });

    it("keeps a job's events in order when one of them was parked", async () => {
      const { service, events, client } = capped(1);
      const slow = 'https://slow.example/hook';
      const job = (event_id: string, event: WebhookDelivery['event']) => delivery({ url: slow, request_id: 'req_cccccccccccc', event_id, event });
      const blocker = service.deliver(delivery({ url: slow, request_id: 'req_dddddddddddd', event_id: 'msg_other' }));
      await waitFor(() => client.open.length === 1, { timeoutMs: 2000, intervalMs: 1, what: 'the blocking POST' });
      expect(await service.deliver(job('msg_started', 'download.started'))).toBe('ack');
      client.open.splice(0).forEach((answer) => answer());
      await blocker;
      // the host has room again, but the job's started event is parked: completed must wait behind it
      expect(await service.deliver(job('msg_completed', 'download.completed'))).toBe('ack');
      expect(events.published.filter((p) => p.routingKey === 'webhook.retry.1').map((p) => (p.data as WebhookDelivery).event_id)).toEqual([
        'msg_started',
        'msg_completed',
      ]);
      // they come back from the tier in the order they were parked
      const started = service.deliver(job('msg_started', 'download.started'));
      const completed = service.deliver(job('msg_completed', 'download.completed'));
      await waitFor(() => client.calls.length === 2, { timeoutMs: 2000, intervalMs: 1, what: 'started posted' });
      client.open.splice(0).forEach((answer) => answer());
      await started;
      // completed was parked again while started held the only slot
      expect(await completed).toBe('ack');
      const again = service.deliver(job('msg_completed', 'download.completed'));
      await waitFor(() => client.open.length === 1, { timeoutMs: 2000, intervalMs: 1, what: 'completed posted' });
      client.open.splice(0).forEach((answer) => answer());
      await again;
      expect(client.calls).toEqual(['slow.example msg_other', 'slow.example msg_started', 'slow.example msg_completed']);
    });
  });
});
