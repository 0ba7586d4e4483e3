import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { QUEUES, retryTierQueue } from '@mda/contracts';
import { waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { TestBroker, lifecycle, newRequestId, webhookTarget } from './support/broker';
import { TestReceiver } from './support/receiver';

const SENDER_MAIN = join(resolve(__dirname, '../../../..'), 'dist/webhook-sender/apps/webhook-sender/src/main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Events the sender has acknowledged on its intake queue, from its own metrics (real time; the management API lags). */
const intakeAcks = (metricsPort: number) =>
  fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    .then((r) => r.text())
    .then((t) => Number(/mda_messages_consumed_total\{queue="webhook-sender\.download-events",outcome="ack"\} (\d+)/.exec(t)?.[1] ?? 0));

/** The sender as a process: killed mid-retry, switched off, misconfigured. */
describe('webhook-sender process', () => {
  let sys: TestSystem;
  let broker: TestBroker;
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    sys = await TestSystem.start({ apps: ['webhook-sender'] });
    broker = await TestBroker.connect(sys.vhost.amqpUrl);
  }, 90_000);

  afterAll(async () => {
    await broker?.close();
    await sys?.stop();
    await receiver?.close();
  });

  it('SIGKILLed while a delivery waits in a retry tier, then restarted: delivered, once', async () => {
    const path = '/kill';
    // Retry-After parks the retry in the 4 s tier, long enough to kill the sender while it waits there
    receiver.route(path, (_h, n) => (n === 0 ? { status: 503, headers: { 'retry-after': '4' } } : { status: 200 }));
    const events = lifecycle(newRequestId(), webhookTarget(receiver.url(path), sys.apiKey));
    const eventId = await broker.publishEvent('download.completed', events.completed());
    await waitFor(async () => (await sys.vhost.queueDepth(retryTierQueue(3))) === 1, { what: 'the retry parked in webhooks.retry.4s' });
    // the event is acked only once its attempt record is confirmed too, a few ms after the retry is parked:
    // a kill inside that window is a crash before the ack (the event comes back and is attempted again, at least once),
    // not the state this test is about
    const sender = sys.apps.get('webhook-sender')!;
    await waitFor(() => intakeAcks(sender.metricsPort!).then((n) => n === 1), { what: 'the event acknowledged' });
    expect(await sys.kill('webhook-sender', 'SIGKILL')).toBeNull(); // killed by the signal, not exited
    expect(receiver.on(path)).toHaveLength(1);

    await sys.startApp('webhook-sender');
    await sys.waitReady();
    await waitFor(() => receiver.on(path).length >= 2, { timeoutMs: 15_000, what: 'the retry after the restart' });
    await sleep(1500); // a duplicate would come right behind
    const hits = receiver.on(path);
    expect(hits.map((h) => h.status)).toEqual([503, 200]);
    expect(hits.map((h) => h.headers['x-webhook-id'])).toEqual([eventId, eventId]);
    expect(hits[1].headers['x-webhook-attempt']).toBe('2');
    expect(hits[1].body.equals(hits[0].body)).toBe(true);
    expect(await sys.vhost.queueDepth(QUEUES.webhooksDeliver)).toBe(0);
  }, 60_000);

  it('WEBHOOK_ENABLE=false: events are consumed and nothing is sent', async () => {
    await sys.kill('webhook-sender', 'SIGTERM');
    const app = await sys.startApp('webhook-sender', { WEBHOOK_ENABLE: 'false' });
    await sys.waitReady();
    const path = '/disabled';
    const events = lifecycle(newRequestId(), webhookTarget(receiver.url(path), sys.apiKey));
    await broker.publishEvent('download.started', events.started());
    await broker.publishEvent('download.completed', events.completed());
    await waitFor(() => intakeAcks(app.metricsPort!).then((n) => n === 2), { what: 'both events consumed by the disabled sender' });
    await sleep(1500);
    expect(receiver.on(path)).toHaveLength(0);
    expect(await sys.vhost.queueDepth(QUEUES.webhooksDeliver)).toBe(0);
  }, 60_000);

  it.each([
    ['WEBHOOK_MAX_RETRIES', '0'],
    ['WEBHOOK_MAX_RETRIES', '11'],
    ['WEBHOOK_TIMEOUT_SEC', '0'],
    ['WEBHOOK_TIMEOUT_SEC', '61'],
  ])(
    '%s=%s: refuses to start, naming the variable',
    async (name, value) => {
      const child = spawn(process.execPath, [SENDER_MAIN], { env: { ...sys.env, METRICS_PORT: '0', [name]: value }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (b: Buffer) => (output += b.toString()));
      child.stderr.on('data', (b: Buffer) => (output += b.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(output).toContain(name);
      expect(output).toContain(value);
      expect(output).not.toContain(sys.apiKey);
    },
    20_000,
  );
});
