import { randomBytes } from 'node:crypto';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { METRICS, OutgoingEnvelope, PublishKey, exchangeOf } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { AmqpConnection } from './amqp-connection';

const rpcCalls = counterOf(METRICS.rpcRequests);

/** RabbitMQ's direct reply-to pseudo-queue: replies go straight to this channel's consumer, no queue is declared. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
/** Header with the caller's deadline (epoch ms): a responder skips requests nobody waits for any more. */
export const RPC_DEADLINE_HEADER = 'mda-deadline-ms';

export class RpcTimeoutError extends Error {
  constructor(routingKey: string, timeoutMs: number) {
    super(`no reply to ${routingKey} within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

interface Pending {
  resolve: (reply: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over the broker with direct reply-to and a correlation id. Requests and the reply
 * consumer share one channel (RabbitMQ requires it); a reply that comes after its timeout is dropped.
 */
export class RpcClient {
  private channel?: ChannelWrapper;
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private readonly prefix = `${randomBytes(6).toString('hex')}-`;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly name = 'rpc',
    private readonly nowMs: () => number = Date.now,
  ) {}

  private ensureChannel(): ChannelWrapper {
    this.channel ??= this.connection.createChannel(`rpc:${this.name}`, async (ch: ConfirmChannel) => {
      await ch.consume(DIRECT_REPLY_TO, (msg) => msg && this.onReply(msg), { noAck: true });
    });
    return this.channel;
  }

  /**
   * Publishes `envelope` on its type's exchange (routed by its type) and resolves with the raw reply
   * body (parse it with `parseMessage(raw, [<reply type>])`); rejects with RpcTimeoutError after timeoutMs.
   */
  async request(envelope: OutgoingEnvelope<PublishKey>, timeoutMs: number): Promise<Buffer> {
    const routingKey = envelope.type;
    const exchange = exchangeOf(envelope.type);
    const channel = this.ensureChannel();
    const correlationId = `${this.prefix}${++this.seq}`;
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        rpcCalls.inc({ routing_key: routingKey, result: 'timeout' });
        reject(new RpcTimeoutError(routingKey, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
    });
    try {
      await channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(envelope)), {
        contentType: 'application/json',
        messageId: envelope.id,
        type: envelope.type,
        correlationId,
        replyTo: DIRECT_REPLY_TO,
        persistent: true,
        headers: { [RPC_DEADLINE_HEADER]: this.nowMs() + timeoutMs },
      });
    } catch (err) {
      const p = this.pending.get(correlationId);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(correlationId);
      }
      rpcCalls.inc({ routing_key: routingKey, result: 'publish_failed' });
      throw err;
    }
    const body = await reply;
    rpcCalls.inc({ routing_key: routingKey, result: 'replied' });
    return body;
  }

  private onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return; // late or foreign reply: its caller has given up
    clearTimeout(p.timer);
    this.pending.delete(id);
    p.resolve(msg.content);
  }

  async close(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('RPC client closed'));
      this.pending.delete(id);
    }
    await this.channel?.close().catch(() => undefined);
    this.channel = undefined;
  }
}

/** Whether a request's caller has stopped waiting (its deadline header is in the past). */
export function rpcDeadlinePassed(msg: ConsumeMessage, nowMs: number): boolean {
  const deadline = Number(msg.properties.headers?.[RPC_DEADLINE_HEADER]);
  return Number.isFinite(deadline) && deadline < nowMs;
}
