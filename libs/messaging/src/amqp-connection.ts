import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { METRICS, TOPOLOGY, Topology } from '@mda/contracts';
import { Logger, gaugeOf } from '@mda/observability';

const brokerConnected = gaugeOf(METRICS.brokerConnected);

/** Masks the password of an AMQP URL for logs. */
export function redactAmqpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'amqp://(unparseable)';
  }
}

/** Declares every exchange, queue and binding of the topology. Idempotent. */
export async function assertTopology(channel: ConfirmChannel, topology: Topology = TOPOLOGY): Promise<void> {
  for (const ex of topology.exchanges) await channel.assertExchange(ex.name, ex.type, { durable: true });
  for (const q of topology.queues) await channel.assertQueue(q.name, { durable: true, arguments: q.arguments });
  for (const b of topology.bindings) await channel.bindQueue(b.queue, b.exchange, b.routingKey);
}

/**
 * The process's one connection to RabbitMQ. Reconnects by itself (amqp-connection-manager);
 * while the broker is away it logs once per outage and keeps retrying.
 */
export class AmqpConnection {
  readonly manager: AmqpConnectionManager;
  private connected = false;
  private closed = false;
  private lastError = '';

  constructor(
    readonly url: string,
    private readonly logger: Logger,
  ) {
    this.manager = amqp.connect([url], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1 });
    this.manager.on('connect', () => {
      this.connected = true;
      brokerConnected.set(1);
      this.logger.info({ broker: redactAmqpUrl(url) }, 'connected to RabbitMQ');
    });
    this.manager.on('disconnect', ({ err }) => {
      brokerConnected.set(0);
      if (this.connected && !this.closed) this.logger.warn({ err: err?.message }, 'lost RabbitMQ connection; reconnecting');
      this.connected = false;
    });
    this.manager.on('connectFailed', ({ err }) => {
      brokerConnected.set(0);
      const msg = err?.message ?? String(err);
      if (msg !== this.lastError) {
        this.logger.error({ broker: redactAmqpUrl(url), err: msg }, 'cannot reach RabbitMQ; retrying every second');
        this.lastError = msg;
      }
    });
  }

  isConnected(): boolean {
    return this.connected && this.manager.isConnected();
  }

  /** A confirm channel that (re)declares the topology whenever it is (re)created. */
  createChannel(name: string, setup?: (ch: ConfirmChannel) => Promise<void>, publishTimeoutMs?: number): ChannelWrapper {
    const channel = this.manager.createChannel({
      name,
      confirm: true,
      json: false,
      publishTimeout: publishTimeoutMs,
      setup: async (ch: ConfirmChannel) => {
        await assertTopology(ch);
        if (setup) await setup(ch);
      },
    });
    // A setup that fails (the channel closed under it, e.g. a shutdown right after connecting) is
    // emitted as 'error'; unheard, that would crash the process. The manager sets the channel up
    // again on the next connection, so a log line is the whole answer.
    channel.on('error', (err: unknown) => {
      if (!this.closed)
        this.logger.warn({ channel: name, err: err instanceof Error ? err.message : String(err) }, 'channel setup failed; it is set up again on reconnect');
    });
    return channel;
  }

  async waitForConnect(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.isConnected()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.isConnected();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.manager.close();
    brokerConnected.set(0);
  }
}
