import amqplib from 'amqplib';
import { QUEUES, RandomIdGenerator, SystemClock, WORKER_QUERY_REPLY_TYPE, WorkerQueryReply, makeEnvelope } from '@mda/contracts';
import { AmqpConnection, EventPublisher, Publisher, RPC_DEADLINE_HEADER } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { TestVhost, createTestVhost } from '@mda/testing';
import { ApiError } from '../common/api-error';
import { AmqpWorkerQueryClient } from './amqp-worker-query-client';

const logger = createLogger('worker-query-test', 'silent');

/** A stand-in worker on the real queue that answers with `answer(query)`. */
async function fakeWorker(url: string, answer: (q: { kind: string; url: string }) => WorkerQueryReply | null) {
  const conn = await amqplib.connect(url);
  const ch = await conn.createChannel();
  const seen: Array<{ deadline: number; correlationId: string }> = [];
  await ch.consume(QUEUES.downloaderMetadata, (msg) => {
    if (!msg) return;
    const env = JSON.parse(msg.content.toString());
    seen.push({ deadline: Number(msg.properties.headers?.[RPC_DEADLINE_HEADER]), correlationId: msg.properties.correlationId });
    const reply = answer(env.data);
    if (reply) {
      const out = makeEnvelope({ newId: () => 'msg_reply', now: () => new Date() }, WORKER_QUERY_REPLY_TYPE, reply, env.correlation_id);
      ch.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(out)), { correlationId: msg.properties.correlationId });
    }
    ch.ack(msg);
  });
  return { seen, close: () => conn.close() };
}

describe('AmqpWorkerQueryClient on the real broker', () => {
  let vhost: TestVhost;
  let conn: AmqpConnection;
  let publisher: Publisher;
  let client: AmqpWorkerQueryClient;

  beforeAll(async () => {
    vhost = await createTestVhost('wq');
    conn = new AmqpConnection(vhost.amqpUrl, logger);
    publisher = new Publisher(conn);
    client = new AmqpWorkerQueryClient(conn, new EventPublisher(publisher, new SystemClock(), new RandomIdGenerator()));
    // the topology (and so the queue) exists once a channel is up
    await conn.createChannel('topology').waitForConnect();
  });
  afterAll(async () => {
    await client.onApplicationShutdown();
    await publisher.close();
    await conn.close();
    await vhost.dispose();
  });

  const metadata = {
    title: 'Clip',
    uploader: null,
    duration: 3,
    thumbnail: null,
    extractor: 'generic',
    webpage_url: null,
    upload_date: null,
    formats: [],
  };

  it('answers with the worker reply matched by correlation id and carries a deadline', async () => {
    const worker = await fakeWorker(vhost.amqpUrl, () => ({ ok: true, kind: 'metadata', result: metadata }));
    try {
      const started = Date.now();
      const [a, b] = await Promise.all([
        client.query({ kind: 'metadata', url: 'http://127.0.0.1/a.mp4' }, 5000),
        client.query({ kind: 'metadata', url: 'http://127.0.0.1/b.mp4' }, 5000),
      ]);
      expect(a).toEqual(metadata);
      expect(b).toEqual(metadata);
      expect(new Set(worker.seen.map((s) => s.correlationId)).size).toBe(2);
      for (const s of worker.seen) expect(s.deadline).toBeGreaterThanOrEqual(started + 5000);
    } finally {
      await worker.close();
    }
  });

  it('maps a worker error to a 400 with its message', async () => {
    const worker = await fakeWorker(vhost.amqpUrl, () => ({ ok: false, error: { code: 'unsupported_url', message: 'This URL is not supported' } }));
    try {
      const err = await client.query({ kind: 'listing', url: 'http://127.0.0.1/page.html' }, 5000).catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.getStatus()).toBe(400);
      expect(err.getResponse()).toMatchObject({ error: { code: 'invalid_url', message: 'This URL is not supported' } });
    } finally {
      await worker.close();
    }
  });

  it("maps a worker's busy answer (the key's share of its query slots is taken) to 429 too_many_queries with Retry-After", async () => {
    const worker = await fakeWorker(vhost.amqpUrl, () => ({ ok: false, error: { code: 'busy', message: 'This API key already has 4 queries running' } }));
    try {
      const err = await client.query({ kind: 'metadata', url: 'http://127.0.0.1/busy.mp4', key_fp: 'aaaaaaaaaaaaaaaa' }, 5000).catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.getStatus()).toBe(429);
      expect(err.getResponse()).toEqual({ error: { code: 'too_many_queries', message: 'This API key already has 4 queries running' } });
      expect(err.headers).toEqual({ 'Retry-After': '2' });
    } finally {
      await worker.close();
    }
  });

  it('gives up with 504 gateway_timeout when no worker answers', async () => {
    const started = Date.now();
    const err = await client.query({ kind: 'metadata', url: 'http://127.0.0.1/c.mp4' }, 700).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.getStatus()).toBe(504);
    expect(err.getResponse()).toMatchObject({ error: { code: 'gateway_timeout', message: expect.stringMatching(/No downloader worker answered within 1 s/) } });
  });

  it('drops a late reply without disturbing the next query', async () => {
    const late: Array<() => void> = [];
    const conn2 = await amqplib.connect(vhost.amqpUrl);
    const ch = await conn2.createChannel();
    // drain the request left by the timeout test, then answer the next one only after its deadline
    await ch.purgeQueue(QUEUES.downloaderMetadata);
    await ch.consume(QUEUES.downloaderMetadata, (msg) => {
      if (!msg) return;
      const env = JSON.parse(msg.content.toString());
      const reply = makeEnvelope(
        { newId: () => 'm', now: () => new Date() },
        WORKER_QUERY_REPLY_TYPE,
        { ok: true, kind: 'metadata', result: { ...metadata, title: env.data.url } },
        'c',
      );
      const send = () => ch.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(reply)), { correlationId: msg.properties.correlationId });
      if (env.data.url.endsWith('slow')) late.push(send);
      else send();
      ch.ack(msg);
    });
    try {
      await expect(client.query({ kind: 'metadata', url: 'http://127.0.0.1/slow' }, 300)).rejects.toMatchObject({ code: 'gateway_timeout' });
      late.forEach((f) => f());
      await expect(client.query({ kind: 'metadata', url: 'http://127.0.0.1/fast' }, 5000)).resolves.toMatchObject({ title: 'http://127.0.0.1/fast' });
    } finally {
      await conn2.close();
    }
  });
});
