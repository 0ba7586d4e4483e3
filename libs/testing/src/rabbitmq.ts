import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';

const MGMT = process.env['RABBITMQ_MGMT_URL'] ?? 'http://127.0.0.1:15672';
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');
const BASE_AMQP = process.env['TEST_AMQP_BASE'] ?? 'amqp://guest:guest@127.0.0.1:5672';

async function mgmt(method: string, path: string, body?: unknown): Promise<Response | undefined> {
  try {
    return await fetch(`${MGMT}/api${path}`, {
      method,
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return undefined; // management plugin not enabled: fall back to rabbitmqctl
  }
}

/** A passive declare: answers a queue's ready count and consumers at once (management stats lag by seconds). */
async function checkQueue(amqpUrl: string, queue: string) {
  const conn = await amqplib.connect(amqpUrl);
  try {
    return await (await conn.createChannel()).checkQueue(queue);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

export interface TestVhost {
  name: string;
  amqpUrl: string;
  /** Messages ready in a queue of this vhost (a passive declare: real time). */
  queueDepth(queue: string): Promise<number>;
  /** Consumers the broker has on a queue of this vhost (a passive declare: real time). */
  consumerCount(queue: string): Promise<number>;
  /** Removes the vhost and everything in it. */
  dispose(): Promise<void>;
}

/** A fresh vhost per test file, so runs and files never see each other's queues. */
export async function createTestVhost(prefix = 'test'): Promise<TestVhost> {
  const name = `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const enc = encodeURIComponent(name);
  const res = await mgmt('PUT', `/vhosts/${enc}`);
  if (res && res.ok) {
    const perm = await mgmt('PUT', `/permissions/${enc}/guest`, { configure: '.*', write: '.*', read: '.*' });
    if (!perm?.ok) throw new Error(`cannot set permissions on vhost ${name}: ${perm?.status}`);
  } else {
    execFileSync('rabbitmqctl', ['-q', 'add_vhost', name]);
    execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  }
  return {
    name,
    amqpUrl: `${BASE_AMQP}/${enc}`,
    queueDepth: async (queue: string) => (await checkQueue(`${BASE_AMQP}/${enc}`, queue)).messageCount,
    consumerCount: async (queue: string) => (await checkQueue(`${BASE_AMQP}/${enc}`, queue)).consumerCount,
    async dispose() {
      const r = await mgmt('DELETE', `/vhosts/${enc}`);
      if (!r) execFileSync('rabbitmqctl', ['-q', 'delete_vhost', name]);
    },
  };
}
