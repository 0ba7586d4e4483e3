import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { EXCHANGES } from '@mda/contracts';
import type { TestVhost } from '@mda/testing';

const run = promisify(execFile);
const MGMT = process.env['RABBITMQ_MGMT_URL'] ?? 'http://127.0.0.1:15672';
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');

/**
 * A broker outage for one test vhost only. Other engineers' tests share this RabbitMQ, so the
 * node is never stopped: the vhost's connection limit is set to 0 (new connections are refused at
 * open, as while a broker restarts) and every connection of the vhost is closed by the broker.
 */
export async function blockVhost(vhost: TestVhost): Promise<void> {
  assertTestVhost(vhost.name);
  const res = await fetch(`${MGMT}/api/vhost-limits/${encodeURIComponent(vhost.name)}/max-connections`, {
    method: 'PUT',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ value: 0 }),
  }).catch(() => undefined);
  if (!res?.ok) await run('rabbitmqctl', ['-q', 'set_vhost_limits', '-p', vhost.name, '{"max-connections": 0}']);
  await closeVhostConnections(vhost);
}

/** Lifts the limit: the apps' reconnect loops get in again. */
export async function unblockVhost(vhost: TestVhost): Promise<void> {
  assertTestVhost(vhost.name);
  const res = await fetch(`${MGMT}/api/vhost-limits/${encodeURIComponent(vhost.name)}/max-connections`, {
    method: 'DELETE',
    headers: { authorization: AUTH },
  }).catch(() => undefined);
  if (!res?.ok) await run('rabbitmqctl', ['-q', 'clear_vhost_limits', '-p', vhost.name]);
}

/** Force-closes every connection of this vhost (and of no other). */
export async function closeVhostConnections(vhost: TestVhost): Promise<void> {
  assertTestVhost(vhost.name);
  await run('rabbitmqctl', ['-q', 'close_all_connections', '--vhost', vhost.name, 'fault-injection test: simulated broker outage'], { timeout: 30_000 });
}

function assertTestVhost(name: string): void {
  // a typo must never reach "/" or another engineer's vhost
  if (!/^[a-z0-9]+-[a-z0-9]+-[0-9a-f]{6}$/.test(name) || name === '/') throw new Error(`refusing to fault vhost ${name}`);
}

export interface Tapped {
  routingKey: string;
  exchange: string;
  envelope: { id: string; type: string; data: any };
}

/**
 * A durable queue of the test, bound to the lifecycle events and to every webhook message
 * (deliver, retry tiers, dead, attempted): the record of what the system published, read at the end.
 * It survives the apps' crashes and the simulated outage because messages are persistent.
 */
export class AuditTap {
  private constructor(
    private readonly vhost: TestVhost,
    readonly queue: string,
  ) {}

  static async start(vhost: TestVhost): Promise<AuditTap> {
    const queue = `test.audit.${Date.now().toString(36)}`;
    const conn = await amqplib.connect(vhost.amqpUrl);
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue(queue, { durable: true });
      await ch.assertExchange(EXCHANGES.events, 'topic', { durable: true });
      await ch.assertExchange(EXCHANGES.webhooks, 'topic', { durable: true });
      await ch.bindQueue(queue, EXCHANGES.events, 'download.#');
      await ch.bindQueue(queue, EXCHANGES.webhooks, 'webhook.#');
    } finally {
      await conn.close().catch(() => undefined);
    }
    return new AuditTap(vhost, queue);
  }

  /** Every message tapped so far (removes them from the tap queue). */
  async drain(): Promise<Tapped[]> {
    const conn = await amqplib.connect(this.vhost.amqpUrl);
    const out: Tapped[] = [];
    try {
      const ch = await conn.createChannel();
      for (;;) {
        const msg = await ch.get(this.queue, { noAck: true });
        if (!msg) break;
        out.push({ routingKey: msg.fields.routingKey, exchange: msg.fields.exchange, envelope: JSON.parse(msg.content.toString()) });
      }
    } finally {
      await conn.close().catch(() => undefined);
    }
    return out;
  }
}
