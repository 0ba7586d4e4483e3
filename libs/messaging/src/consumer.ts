import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { Envelope, MessageKey, exclusiveQueueArguments, METRICS, parseMessage } from '@mda/contracts';
import { Logger, counterOf, errorFields, gaugeOf } from '@mda/observability';
import { AmqpConnection } from './amqp-connection';

const consumed = counterOf(METRICS.messagesConsumed);
const rejected = counterOf(METRICS.messagesRejected);
const inFlightGauge = gaugeOf(METRICS.messagesInFlight);

/** What a handler decided: ack (done), requeue (try again later), dead (dead-letter it). */
export type HandlerOutcome = 'ack' | 'requeue' | 'dead';

export interface ConsumeSource {
  /** A named durable queue of the topology… */
  queue?: string;
  /** …or an exclusive, auto-delete queue of this process bound to the exchange (dead-lettered under the subscription's name). */
  exclusive?: { exchange: string; routingKeys: string[] };
}

export interface Subscription<K extends MessageKey = MessageKey> extends ConsumeSource {
  name: string;
  prefetch: number;
  /** The message types accepted (data checked by their schemas in MESSAGES); any other type is malformed. */
  keys: readonly K[];
  handle: (envelope: Envelope<K>, message: ConsumeMessage) => Promise<HandlerOutcome>;
  /** Delay before requeueing after a handler threw, so a failing dependency is not hammered. */
  errorBackoffMs?: number;
}

/**
 * Consumes one queue with manual acks. Every message is validated against the contract before
 * the handler sees it; a malformed one is dead-lettered (nack without requeue) and logged.
 */
export class QueueConsumer<K extends MessageKey = MessageKey> {
  private channel?: ChannelWrapper;
  private consumerTag?: string;
  private rawChannel?: ConfirmChannel;
  private inFlight = 0;
  private stopped = false;
  private paused = false;
  private idleWaiters: Array<() => void> = [];
  queueName?: string;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly sub: Subscription<K>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.channel = this.connection.createChannel(`consumer:${this.sub.name}`, async (ch) => {
      this.rawChannel = ch;
      await ch.prefetch(this.sub.prefetch);
      const queue = await this.declareSource(ch);
      this.queueName = queue;
      if (this.stopped || this.paused) return;
      await this.consume(ch, queue);
    });
    await this.channel.waitForConnect();
  }

  private async consume(ch: ConfirmChannel, queue: string): Promise<void> {
    const { consumerTag } = await ch.consume(queue, (msg) => msg && void this.onMessage(ch, queue, msg), { noAck: false });
    this.consumerTag = consumerTag;
  }

  /**
   * Cancels the consumer without closing the channel: the broker delivers nothing more here
   * (messages it already sent are still handled). Before start(), the consumer starts paused.
   */
  async pause(): Promise<void> {
    this.paused = true;
    if (this.rawChannel && this.consumerTag) {
      const tag = this.consumerTag;
      this.consumerTag = undefined;
      await this.rawChannel.cancel(tag);
    }
  }

  /** Consumes again after pause() (also after a reconnect that happened meanwhile). */
  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    if (this.stopped || !this.rawChannel || !this.queueName || this.consumerTag) return;
    await this.consume(this.rawChannel, this.queueName);
  }

  private async declareSource(ch: ConfirmChannel): Promise<string> {
    if (this.sub.queue) return this.sub.queue;
    if (!this.sub.exclusive) throw new Error(`subscription ${this.sub.name} names no queue`);
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false, arguments: exclusiveQueueArguments(this.sub.name) });
    for (const key of this.sub.exclusive.routingKeys) await ch.bindQueue(queue, this.sub.exclusive.exchange, key);
    return queue;
  }

  private async onMessage(ch: ConfirmChannel, queue: string, msg: ConsumeMessage): Promise<void> {
    const metricQueue = this.sub.queue ?? this.sub.name;
    this.inFlight++;
    inFlightGauge.inc({ queue: metricQueue });
    try {
      const parsed = parseMessage(msg.content, this.sub.keys);
      if (!parsed.ok) {
        this.reject(ch, msg, metricQueue, parsed.error);
        return;
      }
      let outcome: HandlerOutcome;
      try {
        outcome = await this.sub.handle(parsed.value, msg);
      } catch (err) {
        this.logger.error({ err: errorFields(err), queue, message_id: msg.properties.messageId }, 'handler failed; message will be retried');
        await sleep(this.sub.errorBackoffMs ?? 1000);
        outcome = 'requeue';
      }
      this.logger.debug({ queue, outcome, message_id: msg.properties.messageId, redelivered: msg.fields.redelivered }, 'settling');
      settle(ch, msg, outcome);
      consumed.inc({ queue: metricQueue, outcome });
    } catch (err) {
      // the channel closed under us: the broker redelivers the message, nothing is lost
      this.logger.warn({ err: errorFields(err), queue }, 'could not settle message');
    } finally {
      this.inFlight--;
      inFlightGauge.dec({ queue: metricQueue });
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((w) => w());
    }
  }

  private reject(ch: ConfirmChannel, msg: ConsumeMessage, queue: string, reason: string): void {
    rejected.inc({ queue });
    this.logger.error({ queue, reason, message_id: msg.properties.messageId }, 'malformed message dead-lettered');
    ch.nack(msg, false, false);
    consumed.inc({ queue, outcome: 'dead' });
  }

  /** Stops taking new messages; in-flight ones finish (or are redelivered if the process dies). */
  async stopConsuming(): Promise<void> {
    this.stopped = true;
    if (this.rawChannel && this.consumerTag) {
      await this.rawChannel.cancel(this.consumerTag).catch(() => undefined);
    }
  }

  /** Resolves when no message is being handled, or after timeoutMs. Returns whether idle. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  get busy(): number {
    return this.inFlight;
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    await this.channel?.close();
  }
}

function settle(ch: ConfirmChannel, msg: ConsumeMessage, outcome: HandlerOutcome): void {
  switch (outcome) {
    case 'ack':
      ch.ack(msg);
      return;
    case 'requeue':
      ch.nack(msg, false, true);
      return;
    case 'dead':
      ch.nack(msg, false, false);
      return;
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${String(never)}`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
