import {
  Clock,
  Envelope,
  MessageInput,
  OutgoingEnvelope,
  PublishKey,
  RandomIdGenerator,
  SUBSCRIPTIONS,
  SubscriptionEnvelope,
  WebhookAttempted,
  WebhookDelivery,
  apiKeyFingerprint,
  makeEnvelope,
  parseMessage,
} from '@mda/contracts';
import { DirectDownloads, FileLinks } from '@mda/file-links';
import { EventPublisher, HandlerOutcome, SendOptions } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { waitFor } from '@mda/testing';
import { loadSenderConfig } from '../config/sender-config';
import { DeliveryService } from '../delivery/delivery.service';
import { FinalEvents } from '../delivery/final-events';
import { AttemptLog } from '../delivery/ports/attempt-log';
import { WebhookClient, WebhookNetworkError, WebhookResponse } from '../delivery/ports/webhook-client';
import { EventIntakeHandler } from './event-intake.handler';

const KEY = 'intake-test-key-123';
const HOOK = 'https://hooks.example/x';
const JOB = 'req_intakeintake01';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2026-01-01T00:00:00.000Z');
  }
}

/** A receiver whose answers the test gives: at once from a script, or held until `answer()`. */
class FakeReceiver extends WebhookClient {
  readonly calls: Array<{ id: string; attempt: string; body: string }> = [];
  private readonly held: Array<(r: Partial<WebhookResponse> | WebhookNetworkError) => void> = [];
  hold = false;
  constructor(private readonly script: Array<Partial<WebhookResponse> | WebhookNetworkError> = []) {
    super();
  }
  async post(_url: string, headers: Record<string, string>, body: string): Promise<WebhookResponse> {
    this.calls.push({ id: headers['x-webhook-id'], attempt: headers['x-webhook-attempt'], body });
    const a = this.hold ? await new Promise<Partial<WebhookResponse> | WebhookNetworkError>((r) => this.held.push(r)) : (this.script.shift() ?? {});
    if (a instanceof WebhookNetworkError) throw a;
    return { statusCode: 200, headers: {}, body: '', durationMs: 2, ...a };
  }
  get waiting(): number {
    return this.held.length;
  }
  answer(r: Partial<WebhookResponse> = {}): void {
    this.held.shift()?.(r);
  }
}

/** The broker side of the sender: what it publishes (retry tiers, dead letters), each confirmed at once. */
class RecordingPublisher extends EventPublisher {
  readonly published: Array<{ routingKey: string; data: WebhookDelivery; headers?: Record<string, string | number> }> = [];
  constructor() {
    // publish is replaced below: the transport is never reached
    super(undefined as never, new FixedClock(), new RandomIdGenerator());
  }
  override async publish<K extends PublishKey>(type: K, data: MessageInput<K>, correlationId: string, opts: SendOptions = {}): Promise<OutgoingEnvelope<K>> {
    this.published.push({ routingKey: opts.routingKey ?? type, data: data as WebhookDelivery, headers: opts.headers });
    return this.envelope(type, data, correlationId);
  }
  to(routingKey: string): WebhookDelivery[] {
    return this.published.filter((p) => p.routingKey === routingKey).map((p) => p.data);
  }
}

/** The delivery log as the broker takes it: records confirmed at once, held, or refused. */
class FakeAttemptLog extends AttemptLog {
  readonly confirmed: WebhookAttempted[] = [];
  mode: 'confirm' | 'hold' | 'fail' = 'confirm';
  private readonly held: Array<() => void> = [];
  async record(a: WebhookAttempted): Promise<void> {
    if (this.mode === 'fail') throw new Error('publish nacked by the broker');
    if (this.mode === 'hold') await new Promise<void>((r) => this.held.push(r));
    this.confirmed.push(a);
  }
  confirmHeld(): void {
    this.held.splice(0).forEach((r) => r());
  }
}

/** S3 presigning that takes as long as the test says (download.completed waits for it). */
class SlowPresigner implements DirectDownloads {
  private readonly pending: Array<() => void> = [];
  async presignedGetUrl(key: string): Promise<string> {
    await new Promise<void>((r) => this.pending.push(r));
    return `https://bucket.example/${key}?X-Amz-Signature=abc`;
  }
  get waiting(): number {
    return this.pending.length;
  }
  release(): void {
    this.pending.splice(0).forEach((r) => r());
  }
}

type IntakeEnvelope = SubscriptionEnvelope<typeof SUBSCRIPTIONS.senderDownloadEvents>;

let seq = 0;
function event<K extends IntakeEnvelope['type']>(type: K, data: object, requestId = JOB): IntakeEnvelope {
  const raw = makeEnvelope({ newId: () => `msg_${type.replace('.', '_')}_${++seq}`, now: () => new Date('2026-01-01T00:00:00Z') }, type, data, requestId);
  const parsed = parseMessage(JSON.stringify(raw), SUBSCRIPTIONS.senderDownloadEvents.keys);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value as Envelope<K> as IntakeEnvelope;
}

function lifecycle(requestId = JOB, webhook: object | null = { url: HOOK, key_fp: apiKeyFingerprint(KEY) }) {
  const base = { request_id: requestId, url: 'https://media.example/v.mp4', webhook };
  return {
    started: () => event('download.started', { ...base, started_at: '2026-01-01T00:00:00Z' }, requestId),
    progress: (percent: number) =>
      event('download.progress', { ...base, progress: { percent, downloaded_bytes: percent, total_bytes: 100, speed: 1, eta: 1 } }, requestId),
    completed: () =>
      event(
        'download.completed',
        {
          ...base,
          completed_at: '2026-01-01T00:00:01Z',
          file_info: { filename: 'v.mp4', filepath: 'videos/v.mp4', size_bytes: 100, download_url: 'https://api.example/files/videos/v.mp4' },
          metadata: { title: 'V', uploader: 'U', duration: 1 },
        },
        requestId,
      ),
  };
}

function setup(opts: { script?: Array<Partial<WebhookResponse> | WebhookNetworkError>; env?: Record<string, string>; presigner?: DirectDownloads } = {}) {
  const receiver = new FakeReceiver(opts.script);
  const publisher = new RecordingPublisher();
  const log = new FakeAttemptLog();
  const clock = new FixedClock();
  const config = loadSenderConfig({ API_KEY: KEY, ...opts.env });
  const delivery = new DeliveryService(receiver, publisher, log, new FinalEvents(), clock, config, createLogger('test', 'silent'));
  const handler = new EventIntakeHandler(delivery, config, new FileLinks('links-secret', 3600, clock, opts.presigner));
  return { receiver, publisher, log, handler };
}

describe('EventIntakeHandler: first attempts straight from the intake', () => {
  it('delivered: one POST, one record confirmed, then ack; nothing else published', async () => {
    const { handler, receiver, publisher, log } = setup();
    const env = lifecycle().started();
    expect(await handler.handle(env)).toBe('ack');
    expect(receiver.calls).toEqual([expect.objectContaining({ id: env.id, attempt: '1' })]);
    expect(JSON.parse(receiver.calls[0].body)).toMatchObject({ event: 'download.started', request_id: JOB, data: { status: 'running' } });
    expect(log.confirmed).toEqual([expect.objectContaining({ event_id: env.id, attempt: 1, outcome: 'delivered', status_code: 200 })]);
    // the record holds the exact bytes sent, for a redelivery later
    expect(log.confirmed[0].delivery).toEqual({ key_fp: apiKeyFingerprint(KEY), body: receiver.calls[0].body, created_at: env.occurred_at });
    expect(publisher.published).toEqual([]);
  });

  it('retry scheduled: the exact bytes go to the 1 s tier as attempt 2, recorded as retrying, then ack', async () => {
    const { handler, receiver, publisher, log } = setup({ script: [{ statusCode: 503, body: 'busy' }] });
    const env = lifecycle().completed();
    expect(await handler.handle(env)).toBe('ack');
    const [retry] = publisher.to('webhook.retry.1');
    expect(retry).toMatchObject({ event_id: env.id, event: 'download.completed', attempt: 2, request_id: JOB, url: HOOK });
    expect(retry.body).toBe(receiver.calls[0].body);
    expect(log.confirmed).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'retrying', status_code: 503, next_retry_in_sec: 1, response_body: 'busy' }),
    ]);
  });

  it('dead-lettered: a permanent answer goes to webhooks.dead with its reason, recorded dead, then ack', async () => {
    const { handler, publisher, log } = setup({ script: [{ statusCode: 410 }] });
    const env = lifecycle().started();
    expect(await handler.handle(env)).toBe('ack');
    expect(publisher.published).toEqual([
      { routingKey: 'webhook.dead', data: expect.objectContaining({ event_id: env.id, attempt: 1 }), headers: { 'x-dead-reason': 'http_410' } },
    ]);
    expect(log.confirmed).toEqual([expect.objectContaining({ outcome: 'dead', status_code: 410, error: 'http_410' })]);
  });

  it('dead-lettered without a POST when no configured API key owns the target', async () => {
    const { handler, receiver, publisher, log } = setup();
    const env = lifecycle(JOB, { url: HOOK, key_fp: apiKeyFingerprint('a-key-this-sender-lacks') }).started();
    expect(await handler.handle(env)).toBe('ack');
    expect(receiver.calls).toEqual([]);
    expect(publisher.to('webhook.dead')).toHaveLength(1);
    expect(log.confirmed).toEqual([expect.objectContaining({ outcome: 'dead', status_code: null })]);
  });

  it('invalid message: the subscription refuses it before the handler (the consumer dead-letters it), so nothing is sent', () => {
    const malformed = JSON.stringify({ ...lifecycle().started(), data: { request_id: JOB, webhook: { url: 'not a url', key_fp: 'zz' } } });
    expect(parseMessage(malformed, SUBSCRIPTIONS.senderDownloadEvents.keys)).toEqual({ ok: false, error: expect.stringContaining('data of download.started') });
    expect(parseMessage('{not json', SUBSCRIPTIONS.senderDownloadEvents.keys)).toEqual({ ok: false, error: 'body is not valid JSON' });
  });

  it('an event without a webhook, or with webhooks switched off, is acked with nothing sent or recorded', async () => {
    const { handler, receiver, log } = setup();
    expect(await handler.handle(lifecycle(JOB, null).started())).toBe('ack');
    const off = setup({ env: { WEBHOOK_ENABLE: 'false' } });
    expect(await off.handler.handle(lifecycle().started())).toBe('ack');
    expect([...receiver.calls, ...off.receiver.calls]).toEqual([]);
    expect([...log.confirmed, ...off.log.confirmed]).toEqual([]);
  });

  it('not acked before its record is confirmed; a record the broker refuses is requeued, not acked', async () => {
    const { handler, receiver, log } = setup();
    log.mode = 'hold';
    let outcome: HandlerOutcome | undefined;
    const pending = handler.handle(lifecycle().started()).then((o) => (outcome = o));
    await waitFor(() => receiver.calls.length === 1, { timeoutMs: 1000, intervalMs: 1, what: 'the POST' });
    await new Promise((r) => setImmediate(r));
    expect(outcome).toBeUndefined(); // POSTed, answered 200, but its record is not confirmed yet
    log.confirmHeld();
    await pending;
    expect(outcome).toBe('ack');

    log.mode = 'fail';
    await expect(handler.handle(lifecycle().completed())).rejects.toThrow('publish nacked by the broker');
  });

  it('a retry whose record is refused is not acked either', async () => {
    const { handler, log, publisher } = setup({ script: [new WebhookNetworkError('connection_refused', 'refused', 1)] });
    log.mode = 'fail';
    await expect(handler.handle(lifecycle().started())).rejects.toThrow('publish nacked by the broker');
    // the retry itself was published: the requeued event is attempted again (at least once, same webhook id)
    expect(publisher.to('webhook.retry.1')).toHaveLength(1);
  });

  it("per-job order: a job's next event is not posted before the previous one is answered, even when its body is quicker to build", async () => {
    const presigner = new SlowPresigner();
    const { handler, receiver } = setup({ presigner });
    receiver.hold = true;
    const other = lifecycle('req_intakeintake02');
    const ev = lifecycle();
    const envs = [ev.started(), ev.progress(50), ev.completed(), ev.progress(99)];
    const outcomes = Promise.all([...envs.map((e) => handler.handle(e)), handler.handle(other.started())]);
    // another job is not held back by this one
    await waitFor(() => receiver.calls.length === 2, { timeoutMs: 1000, intervalMs: 1, what: 'first POSTs of both jobs' });
    expect(receiver.calls.map((c) => c.id)).toEqual([envs[0].id, expect.stringContaining('download_started')]);
    receiver.answer();
    receiver.answer();
    await waitFor(() => receiver.calls.length === 3, { timeoutMs: 1000, intervalMs: 1, what: 'the progress POST' });
    receiver.answer();
    // completed signs its link with the (slow) store; the progress behind it waits, though its body is ready
    await waitFor(() => presigner.waiting === 1, { timeoutMs: 1000, intervalMs: 1, what: 'the presign under way' });
    await new Promise((r) => setImmediate(r));
    expect(receiver.calls).toHaveLength(3);
    presigner.release();
    await waitFor(() => receiver.waiting === 1 && receiver.calls.length === 4, { timeoutMs: 1000, intervalMs: 1, what: 'the completed POST' });
    receiver.answer();
    await waitFor(() => receiver.waiting === 1 && receiver.calls.length === 5, { timeoutMs: 1000, intervalMs: 1, what: 'the last progress POST' });
    receiver.answer();
    expect(await outcomes).toEqual(['ack', 'ack', 'ack', 'ack', 'ack']);
    const mine = receiver.calls.filter((c) => envs.some((e) => e.id === c.id)).map((c) => c.id);
    expect(mine).toEqual(envs.map((e) => e.id));
    expect(JSON.parse(receiver.calls[3].body).data.file_info.download_url).toBe('https://bucket.example/videos/v.mp4?X-Amz-Signature=abc');
  });
});
