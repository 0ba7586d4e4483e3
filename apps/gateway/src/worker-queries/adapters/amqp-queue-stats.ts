import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { Clock, QUEUES } from '@mda/contracts';
import { AmqpConnection } from '@mda/messaging';
import { QueueDepth, QueueStats } from '../queue-stats';

/** The queues /api/v1/health/stats reports. */
export const REPORTED_QUEUES = [
  QUEUES.downloaderJobs,
  QUEUES.downloaderMetadata,
  QUEUES.senderDownloadEvents,
  QUEUES.webhooksDeliver,
  QUEUES.webhooksDead,
] as const;

/** Answers are reused this long, so health and job reads cost at most one broker round trip per interval. */
const CACHE_MS = 2_000;
const CHECK_TIMEOUT_MS = 3_000;

/** `checkQueue` on each reported queue over one channel of the gateway's connection. */
@Injectable()
export class AmqpQueueStats extends QueueStats implements OnModuleInit, OnApplicationShutdown {
  private channel?: ChannelWrapper;
  private cached?: { at: number; value: Promise<Record<string, QueueDepth> | null> };

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly clock: Clock,
  ) {
    super();
  }

  depths(): Promise<Record<string, QueueDepth> | null> {
    if (!this.amqp.isConnected()) return Promise.resolve(null);
    const now = this.clock.nowMs();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.value;
    const value = this.read();
    this.cached = { at: now, value };
    return value;
  }

  private async read(): Promise<Record<string, QueueDepth> | null> {
    const ch = this.open();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CHECK_TIMEOUT_MS)));
    try {
      const read = ch
        .waitForConnect()
        .then(() =>
          Promise.all(REPORTED_QUEUES.map(async (q) => [q, await ch.checkQueue(q)] as const)).then((rows) =>
            Object.fromEntries(rows.map(([q, r]) => [q, { messages: r.messageCount, consumers: r.consumerCount }])),
          ),
        );
      return await Promise.race([read, timeout]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Opened at start, so the first health read does not wait for a channel. */
  onModuleInit(): void {
    this.open();
  }

  private open(): ChannelWrapper {
    if (!this.channel) {
      this.channel = this.amqp.createChannel('queue-stats');
      // a check that fails (channel closed under it, broker going away) answers null; it must not crash the gateway
      this.channel.on('error', () => undefined);
    }
    return this.channel;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }
}
