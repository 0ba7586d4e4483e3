import { createTestVhost } from './rabbitmq';
import { waitFor } from './wait-for';

describe('createTestVhost', () => {
  it('creates a usable vhost of its own and removes it', async () => {
    const v = await createTestVhost('selftest');
    expect(v.amqpUrl).toContain(encodeURIComponent(v.name));
    const amqplib = await import('amqplib');
    const c = await amqplib.connect(v.amqpUrl);
    const ch = await c.createChannel();
    await ch.assertQueue('probe');
    await ch.sendToQueue('probe', Buffer.from('x'));
    await waitFor(async () => (await v.queueDepth('probe')) === 1, { what: 'one message' });
    await c.close();
    await v.dispose();
    await expect(amqplib.connect(v.amqpUrl)).rejects.toThrow();
  });
});
