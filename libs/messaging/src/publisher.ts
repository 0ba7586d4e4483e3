import { ChannelWrapper } from 'amqp-connection-manager';
import { METRICS, RawEnvelope, publishLabels } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { AmqpConnection } from './amqp-connection';

const published = counterOf(METRICS.messagesPublished);

export interface PublishOptions {
  headers?: Record<string, string | number>;
  /** Per-message TTL in ms (rarely needed: retry delays come from the tier queues). */
  expirationMs?: number;
  replyTo?: string;
  correlationId?: string;
}

/** Publishes persistent envelopes and resolves only once the broker confirms them. */
export class Publisher {
  private readonly channel: ChannelWrapper;

  constructor(connection: AmqpConnection, publishTimeoutMs = 10_000) {
    this.channel = connection.createChannel('publisher', undefined, publishTimeoutMs);
  }

  async publish(exchange: string, routingKey: string, envelope: RawEnvelope, opts: PublishOptions = {}): Promise<void> {
    try {
      await this.channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        contentType: 'application/json',
        messageId: envelope.id,
        type: envelope.type,
        timestamp: Math.floor(Date.parse(envelope.occurred_at) / 1000),
        correlationId: opts.correlationId ?? envelope.correlation_id,
        headers: opts.headers,
        expiration: opts.expirationMs !== undefined ? String(opts.expirationMs) : undefined,
        replyTo: opts.replyTo,
      });
      published.inc({ ...publishLabels(exchange, routingKey), result: 'confirmed' });
    } catch (err) {
      published.inc({ ...publishLabels(exchange, routingKey), result: 'failed' });
      throw err;
    }
  }

  /** Messages waiting in memory for the broker (during a reconnect). */
  pending(): number {
    return this.channel.queueLength();
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
