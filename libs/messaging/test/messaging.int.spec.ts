import amqplib from 'amqplib';
import { EXCHANGES, MessageKey, QUEUES, ROUTING_KEYS, SUBSCRIPTIONS, SubscriptionDefinition, TOPOLOGY, makeEnvelope } from '@mda/contracts';
import { createLogger } from '@mda/observability';
import { TestVhost, createTestVhost, waitFor } from '@mda/testing';
import { AmqpConnection, HandlerOutcome, Publisher, QueueConsumer, assertTopology } from '../src';

const logger = createLogger('messaging-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
const env = (type: string, data: unknown) =>
  makeEnvelope({ newId: () => `msg_${Math.random().toString(36).slice(2)}`, now: () => new Date() }, type, data, 'corr-1');

describe('messaging on the real RabbitMQ', () => {
  let vhost: TestVhost;
  let conn: AmqpConnection;
  let publisher: Publisher;

  beforeAll(async () => {
    vhost = await createTestVhost('msg');
    conn = new AmqpConnection(vhost.amqpUrl, logger);
    publisher = new Publisher(conn);
  });
  afterAll(async () => {
    await publisher.close();
    await conn.close();
    await vhost.dispose();
  });

  /** A started consumer of `sub` that acks every message and records its request_id. */
  async function recordingConsumer<K extends MessageKey>(sub: SubscriptionDefinition<K>) {
    const seen: string[] = [];
    const consumer = new QueueConsumer(
      conn,
      {
        ...sub,
        prefetch: 5,
        handle: async (e) => {
          seen.push((e.data as { request_id: string }).request_id);
          return 'ack';
        },
      },
      logger,
    );
    await consumer.start();
    return { seen, consumer };
  }

  it('declares the whole topology, and declaring it again changes nothing', async () => {
    const raw = await amqplib.connect(vhost.amqpUrl);
    const ch = await raw.createConfirmChannel();
    await assertTopology(ch);
    await assertTopology(ch);
    for (const q of TOPOLOGY.queues) {
      const ok = await ch.checkQueue(q.name);
      expect(ok.queue).toBe(q.name);
    }
    await raw.close();
    const res = await fetch(`http://127.0.0.1:15672/api/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent('webhooks.retry.4s')}`, {
      headers: { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') },
    });
    const q = (await res.json()) as { arguments: Record<string, unknown>; type: string };
    expect(q.type).toBe('quorum');
    expect(q.arguments).toMatchObject({ 'x-message-ttl': 4000, 'x-dead-letter-exchange': 'webhooks', 'x-dead-letter-routing-key': 'webhook.deliver' });
  });

  it('dead-letters a malformed message and keeps consuming', async () => {
    const { seen, consumer } = await recordingConsumer(SUBSCRIPTIONS.downloaderJobs);
    const raw = await amqplib.connect(vhost.amqpUrl);
    const ch = await raw.createConfirmChannel();
    ch.publish(EXCHANGES.commands, ROUTING_KEYS.downloadRequested, Buffer.from('{not json'), { persistent: true });
    ch.publish(EXCHANGES.commands, ROUTING_KEYS.downloadRequested, Buffer.from(JSON.stringify(env('download.requested', { url: 'x' }))), { persistent: true });
    await ch.waitForConfirms();
    const good = env(ROUTING_KEYS.downloadRequested, {
      request_id: 'req_aaaaaaaaaaaa1',
      url: 'http://127.0.0.1/x.mp4',
      options: {},
      webhook: null,
    });
    await publisher.publish(EXCHANGES.commands, ROUTING_KEYS.downloadRequested, good);
    await waitFor(() => seen.includes('req_aaaaaaaaaaaa1'), { what: 'the good message after two bad ones' });
    await waitFor(async () => (await vhost.queueDepth('downloader.jobs.dead')) === 2, { what: 'two messages dead-lettered', timeoutMs: 15_000 });
    expect(seen).toEqual(['req_aaaaaaaaaaaa1']);
    await raw.close();
    await consumer.close();
  });

  it("dead-letters a malformed control message from a replica's exclusive queue and keeps consuming", async () => {
    const { seen, consumer } = await recordingConsumer(SUBSCRIPTIONS.workerControl);
    const raw = await amqplib.connect(vhost.amqpUrl);
    const ch = await raw.createConfirmChannel();
    ch.publish(EXCHANGES.control, ROUTING_KEYS.downloadCancel, Buffer.from('{not json'), { persistent: true });
    ch.publish(EXCHANGES.control, ROUTING_KEYS.downloadCancel, Buffer.from(JSON.stringify(env(ROUTING_KEYS.downloadCancel, { request: 1 }))), {
      persistent: true,
    });
    await ch.waitForConfirms();
    await publisher.publish(EXCHANGES.control, ROUTING_KEYS.downloadCancel, env(ROUTING_KEYS.downloadCancel, { request_id: 'req_cccccccccccc1' }));
    await waitFor(() => seen.includes('req_cccccccccccc1'), { what: 'the good cancel after two bad ones' });
    await waitFor(async () => (await vhost.queueDepth('downloader.control.dead')) === 2, { what: 'two control messages dead-lettered', timeoutMs: 15_000 });
    expect(seen).toEqual(['req_cccccccccccc1']);
    await raw.close();
    await consumer.close();
  });

  it('redelivers a message whose consumer died before acking', async () => {
    const first = new QueueConsumer(
      conn,
      {
        ...SUBSCRIPTIONS.gatewayDownloadEvents,
        prefetch: 1,
        // never settles: like a process that dies mid-work
        handle: () => new Promise<HandlerOutcome>(() => undefined),
      },
      logger,
    );
    await first.start();
    const e = env(ROUTING_KEYS.downloadStarted, { request_id: 'req_bbbbbbbbbbbb1', url: 'http://x/y', webhook: null, started_at: new Date().toISOString() });
    await publisher.publish(EXCHANGES.events, ROUTING_KEYS.downloadStarted, e);
    await waitFor(() => first.busy === 1, { what: 'first consumer holding the message' });
    await first.close(); // channel closes without an ack

    const got: Array<{ id: string; redelivered: boolean }> = [];
    const second = new QueueConsumer(
      conn,
      {
        ...SUBSCRIPTIONS.gatewayDownloadEvents,
        prefetch: 1,
        handle: async (env2, msg) => {
          got.push({ id: env2.id, redelivered: msg.fields.redelivered });
          return 'ack';
        },
      },
      logger,
    );
    await second.start();
    await waitFor(() => got.length === 1, { what: 'redelivery' });
    expect(got[0]).toEqual({ id: e.id, redelivered: true });
    await waitFor(async () => (await vhost.queueDepth(QUEUES.gatewayDownloadEvents)) === 0, { what: 'queue empty' });
    await second.close();
  });

  it('requeues after a handler throws, and the message is handled again', async () => {
    const handled = new Map<string, number>();
    let failed: string | undefined;
    const c = new QueueConsumer(
      conn,
      {
        ...SUBSCRIPTIONS.senderDownloadEvents,
        prefetch: 1,
        errorBackoffMs: 10,
        handle: async (e) => {
          handled.set(e.id, (handled.get(e.id) ?? 0) + 1);
          if (!failed) {
            failed = e.id;
            throw new Error('database down');
          }
          return 'ack';
        },
      },
      logger,
    );
    await c.start();
    await publisher.publish(
      EXCHANGES.events,
      ROUTING_KEYS.downloadStarted,
      env(ROUTING_KEYS.downloadStarted, { request_id: 'req_cccccccccccc1', url: 'http://x/y', webhook: null, started_at: new Date().toISOString() }),
    );
    await waitFor(() => failed && handled.get(failed) === 2, { what: 'the failed message handled a second time' });
    await waitFor(async () => (await vhost.queueDepth(QUEUES.senderDownloadEvents)) === 0, { what: 'queue drained', timeoutMs: 15_000 });
    await c.close();
  });

  it('persists messages: published with delivery mode 2', async () => {
    const raw = await amqplib.connect(vhost.amqpUrl);
    const ch = await raw.createChannel();
    await publisher.publish(EXCHANGES.webhooks, ROUTING_KEYS.webhookDead, env('webhook.dead', {}));
    const msg = await waitFor(async () => (await ch.get(QUEUES.webhooksDead, { noAck: true })) || undefined, { what: 'dead message' });
    expect(msg.properties.deliveryMode).toBe(2);
    expect(msg.properties.contentType).toBe('application/json');
    await raw.close();
  });
});
