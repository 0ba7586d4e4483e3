import amqplib from 'amqplib';
import { DownloadEvent, EXCHANGES, QUEUES, WebhookDelivery, WebhookTarget, apiKeyFingerprint, makeEnvelope, randomToken } from '@mda/contracts';
import { AmqpConnection, Publisher } from '@mda/messaging';
import { createLogger } from '@mda/observability';

export interface DeadLetter {
  reason: string | undefined;
  delivery: WebhookDelivery;
}

const deps = { newId: () => `msg_${randomToken(20)}`, now: () => new Date() };

/** Publishes what the downloader (or the gateway) would, on the test's vhost, with confirms. */
export class TestBroker {
  private constructor(
    private readonly amqpUrl: string,
    private readonly connection: AmqpConnection,
    private readonly publisher: Publisher,
  ) {}

  static async connect(amqpUrl: string): Promise<TestBroker> {
    const connection = new AmqpConnection(amqpUrl, createLogger('e2e-broker', 'silent'));
    const publisher = new Publisher(connection);
    if (!(await connection.waitForConnect(10_000))) throw new Error('test broker could not connect');
    return new TestBroker(amqpUrl, connection, publisher);
  }

  /** A download event as the worker publishes it on `downloads.events`; returns its envelope id (= X-Webhook-Id). */
  async publishEvent<E extends DownloadEvent>(type: E['type'], data: E['data']): Promise<string> {
    const env = makeEnvelope(deps, type, data, data.request_id);
    await this.publisher.publish(EXCHANGES.events, type, env);
    return env.id;
  }

  /** A delivery straight onto `webhook.deliver` (what the intake or a redelivery publishes). */
  async publishDelivery(d: WebhookDelivery): Promise<void> {
    await this.publisher.publish(EXCHANGES.webhooks, 'webhook.deliver', makeEnvelope(deps, 'webhook.deliver', d, d.request_id ?? d.event_id));
  }

  /** Takes every message now in `webhooks.dead`. */
  async takeDeadLetters(): Promise<DeadLetter[]> {
    const conn = await amqplib.connect(this.amqpUrl);
    try {
      const ch = await conn.createChannel();
      const out: DeadLetter[] = [];
      for (;;) {
        const msg = await ch.get(QUEUES.webhooksDead, { noAck: true });
        if (!msg) return out;
        const env = JSON.parse(msg.content.toString('utf8')) as { data: WebhookDelivery };
        out.push({ reason: msg.properties.headers?.['x-dead-reason'] as string | undefined, delivery: env.data });
      }
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.publisher.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

export function webhookTarget(url: string, apiKey: string): WebhookTarget {
  return { url, key_fp: apiKeyFingerprint(apiKey) };
}

export function newRequestId(): string {
  return `req_${randomToken(16)}`;
}

/** The worker's lifecycle events for one job, with a webhook. */
export function lifecycle(requestId: string, webhook: WebhookTarget) {
  const base = { request_id: requestId, url: 'https://media.example/video.mp4', webhook };
  const now = () => new Date().toISOString();
  return {
    started: () => ({ ...base, started_at: now() }),
    progress: (percent: number) => ({
      ...base,
      progress: { percent, downloaded_bytes: percent * 1000, total_bytes: 100_000, speed: 1000, eta: 100 - percent },
    }),
    completed: () => ({
      ...base,
      completed_at: now(),
      file_info: { filename: 'video.mp4', filepath: 'videos/video.mp4', size_bytes: 100_000, download_url: 'https://api.example/files/videos/video.mp4' },
      metadata: { title: 'Clip', uploader: 'Someone', duration: 3 },
    }),
    failed: (error: string) => ({ ...base, error, error_code: 'not_found', completed_at: now() }),
  };
}
