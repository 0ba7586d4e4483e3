import { performance } from 'node:perf_hooks';
import { QUEUES } from '@mda/contracts';
import { waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { TestBroker, lifecycle, newRequestId, webhookTarget } from '../webhooks/support/broker';
import { Hit, TestReceiver } from '../webhooks/support/receiver';

const PER_HOST = 8;
const JOBS_OF_A = 32;

const eventOf = (h: Hit) => JSON.parse(h.body.toString('utf8')) as { event: string; request_id: string };
const idOf = (h: Hit) => h.headers['x-webhook-id'] as string;

/** Most requests open at the same time among `hits` (from arrival to answer or give-up). */
function maxOpen(hits: Hit[]): number {
  const edges = hits.flatMap((h) => [
    { t: h.arrivedAt, d: 1 },
    { t: h.endedAt ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  edges.sort((x, y) => x.t - y.t || x.d - y.d);
  let open = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (open += e.d));
  return most;
}

async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

/**
 * Key A's receiver hangs while 32 of its jobs' events are in flight; key B's receiver (another
 * host: 127.0.0.2) must still get B's webhook within a second. The sender holds at most
 * WEBHOOK_CONCURRENCY_PER_HOST of A's deliveries and parks the rest in the 1 s tier, without
 * counting an attempt; nothing is lost, and once A answers every event arrives.
 */
describe("one receiver host cannot hold the sender's delivery slots", () => {
  let sys: TestSystem;
  let broker: TestBroker;
  let receiverA: TestReceiver;
  let receiverB: TestReceiver;
  const keyB = 'key-b-' + Math.random().toString(36).slice(2, 12);
  let aHangs = true;

  beforeAll(async () => {
    receiverA = await TestReceiver.start('127.0.0.1');
    receiverB = await TestReceiver.start('127.0.0.2');
    receiverA.route('/a', () => (aHangs ? 'hang' : { status: 200, body: '{"status":"ok"}' }));
    sys = await TestSystem.start({
      apps: ['webhook-sender'],
      env: { API_KEYS: keyB, WEBHOOK_TIMEOUT_SEC: '5', WEBHOOK_CONCURRENCY: '64', WEBHOOK_CONCURRENCY_PER_HOST: String(PER_HOST) },
    });
    broker = await TestBroker.connect(sys.vhost.amqpUrl);
  }, 90_000);

  afterAll(async () => {
    await broker?.close();
    await sys?.stop();
    await receiverA?.close();
    await receiverB?.close();
  });

  it("delivers key B's webhook within 1 s while key A's receiver hangs, and loses none of A's events", async () => {
    const targetA = webhookTarget(receiverA.url('/a'), sys.apiKey);
    const published: Array<{ requestId: string; ids: string[] }> = [];
    await Promise.all(
      Array.from({ length: JOBS_OF_A }, async () => {
        const requestId = newRequestId();
        const ev = lifecycle(requestId, targetA);
        // one job's events in the order the worker publishes them
        const ids = [
          await broker.publishEvent('download.started', ev.started()),
          await broker.publishEvent('download.progress', ev.progress(40)),
          await broker.publishEvent('download.progress', ev.progress(80)),
          await broker.publishEvent('download.completed', ev.completed()),
        ];
        published.push({ requestId, ids });
      }),
    );
    const allOfA = published.flatMap((p) => p.ids);
    expect(allOfA).toHaveLength(JOBS_OF_A * 4);
    await waitFor(() => receiverA.on('/a').length >= PER_HOST, { timeoutMs: 10_000, what: "A's receiver holding its cap of requests" });

    const requestB = newRequestId();
    const sentAt = performance.now();
    const idB = await broker.publishEvent('download.started', lifecycle(requestB, webhookTarget(receiverB.url('/b'), keyB)).started());
    const hitB = await waitFor(() => receiverB.on('/b').find((h) => idOf(h) === idB), { timeoutMs: 5000, intervalMs: 5, what: "B's webhook" });
    const delayMs = hitB.arrivedAt - sentAt;
    expect(delayMs).toBeLessThan(1000);

    // A's receiver never had more than its cap open, and the rest were parked, not attempted
    expect(maxOpen(receiverA.on('/a'))).toBeLessThanOrEqual(PER_HOST);
    const metrics = `http://127.0.0.1:${sys.apps.get('webhook-sender')!.metricsPort}/metrics`;
    const parked = async () =>
      (await metric(metrics, 'mda_webhook_deferrals_total{reason="host_busy"}')) + (await metric(metrics, 'mda_webhook_deferrals_total{reason="job_order"}'));
    // every one of A's events but the PER_HOST hanging ones has been parked at least once
    await waitFor(async () => (await parked()) >= JOBS_OF_A * 4 - PER_HOST, { timeoutMs: 5000, what: "A's surplus parked" });
    // only B's attempt is recorded so far: A's are still hanging, and parking records nothing
    await waitFor(async () => (await sys.vhost.queueDepth(QUEUES.gatewayWebhookAttempts)) >= 1, { timeoutMs: 5000, what: "B's attempt record" });
    expect(await sys.vhost.queueDepth(QUEUES.gatewayWebhookAttempts)).toBe(1);

    // A's receiver recovers: every one of A's events arrives, each job's in order unless an attempt of it failed
    aHangs = false;
    await waitFor(
      () =>
        new Set(
          receiverA
            .on('/a')
            .filter((h) => h.status === 200)
            .map(idOf),
        ).size === allOfA.length,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: "all of A's events delivered",
      },
    );
    const delivered = receiverA.on('/a').filter((h) => h.status === 200);
    expect(new Set(delivered.map(idOf))).toEqual(new Set(allOfA));
    const failedIds = new Set(
      receiverA
        .on('/a')
        .filter((h) => h.status !== 200)
        .map(idOf),
    );
    for (const { requestId, ids } of published) {
      if (ids.some((id) => failedIds.has(id))) continue; // a retried event may come after later ones (as documented)
      const order = delivered.filter((h) => eventOf(h).request_id === requestId).map(idOf);
      expect(order.filter((id, i) => order.indexOf(id) === i)).toEqual(ids);
    }
    // the hanging attempts count as attempts (timeouts), each retried with attempt 2
    expect(failedIds.size).toBeGreaterThanOrEqual(PER_HOST);
    for (const id of failedIds) {
      const retried = receiverA.on('/a').filter((h) => idOf(h) === id && h.status === 200);
      expect(retried.length).toBeGreaterThanOrEqual(1);
    }
    console.log(
      `B's webhook arrived ${delayMs.toFixed(0)} ms after its event; A: ${failedIds.size} timed-out attempts, deferrals ${await metric(metrics, 'mda_webhook_deferrals_total{reason="host_busy"}')} host_busy / ${await metric(metrics, 'mda_webhook_deferrals_total{reason="job_order"}')} job_order`,
    );
  }, 120_000);
});
