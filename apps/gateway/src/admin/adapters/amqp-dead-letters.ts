import amqplib, { ConsumeMessage, GetMessage } from 'amqplib';
import { QUEUES, TOPOLOGY } from '@mda/contracts';
import { DeadLetter, DeadLetterQueue, DeadLetters } from '../dead-letters.port';

/** Every `*.dead` queue of the topology, with the queue its messages came from. */
export const DEAD_LETTER_QUEUES: ReadonlyArray<{ queue: string; source: string }> = TOPOLOGY.queues
  .map((q) => q.name)
  .filter((q) => q.endsWith('.dead'))
  .map((queue) => ({ queue, source: queue === QUEUES.webhooksDead ? QUEUES.webhooksDeliver : queue.slice(0, -'.dead'.length) }));

const DEATH_HEADERS = new Set([
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
]);
export const REPLAYED_HEADER = 'mda-replayed';

/**
 * Reads and replays dead letters over a short-lived connection of its own. Listing takes the
 * messages without acking and closes the connection, which hands them back in order; a replay
 * publishes each one (confirmed) to its source queue through the default exchange, then acks it.
 */
export class AmqpDeadLetters extends DeadLetters {
  constructor(private readonly amqpUrl: string) {
    super();
  }

  async list(limit: number): Promise<DeadLetterQueue[]> {
    const conn = await amqplib.connect(this.amqpUrl);
    try {
      const out: DeadLetterQueue[] = [];
      for (const { queue, source } of DEAD_LETTER_QUEUES) {
        const ch = await conn.createChannel();
        const { messageCount } = await ch.checkQueue(queue);
        const sample: DeadLetter[] = [];
        for (let i = 0; i < Math.min(limit, messageCount); i++) {
          const msg = await ch.get(queue, { noAck: false });
          if (!msg) break;
          sample.push(describe(msg));
        }
        await ch.close(); // unacked messages go back to the queue, in order
        out.push({ queue, replays_to: source, messages: messageCount, sample });
      }
      return out;
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  async replay(queue: string, limit: number): Promise<number> {
    const target = DEAD_LETTER_QUEUES.find((q) => q.queue === queue);
    if (!target) throw new Error(`${queue} is not a dead-letter queue`);
    const conn = await amqplib.connect(this.amqpUrl);
    try {
      const ch = await conn.createConfirmChannel();
      let replayed = 0;
      while (replayed < limit) {
        const msg = await ch.get(queue, { noAck: false });
        if (!msg) break;
        const headers = Object.fromEntries(Object.entries(msg.properties.headers ?? {}).filter(([k]) => !DEATH_HEADERS.has(k)));
        headers[REPLAYED_HEADER] = Number(headers[REPLAYED_HEADER] ?? 0) + 1;
        ch.publish('', target.source, msg.content, {
          persistent: true,
          contentType: msg.properties.contentType,
          messageId: msg.properties.messageId,
          type: msg.properties.type,
          timestamp: msg.properties.timestamp,
          correlationId: msg.properties.correlationId,
          headers,
        });
        await ch.waitForConfirms();
        ch.ack(msg);
        replayed++;
      }
      await ch.close();
      return replayed;
    } finally {
      await conn.close().catch(() => undefined);
    }
  }
}

function describe(msg: GetMessage | ConsumeMessage): DeadLetter {
  const headers = msg.properties.headers ?? {};
  const deaths = headers['x-death'] as Array<{ reason?: string; queue?: string; time?: { value?: number } | number }> | undefined;
  const first = deaths?.[0];
  const time = typeof first?.time === 'object' ? first.time?.value : first?.time;
  return {
    message_id: msg.properties.messageId ?? null,
    type: msg.properties.type ?? null,
    request_id: requestIdOf(msg.content),
    reason: String(headers['x-dead-reason'] ?? first?.reason ?? headers['x-first-death-reason'] ?? 'unknown'),
    from_queue: first?.queue ?? (headers['x-first-death-queue'] as string | undefined) ?? null,
    dead_lettered_at: typeof time === 'number' ? new Date(time * 1000).toISOString() : null,
  };
}

function requestIdOf(content: Buffer): string | null {
  try {
    const env = JSON.parse(content.toString('utf8')) as { data?: { request_id?: unknown } };
    return typeof env.data?.request_id === 'string' ? env.data.request_id : null;
  } catch {
    return null;
  }
}
