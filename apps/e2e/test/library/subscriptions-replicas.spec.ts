import { createHash } from 'node:crypto';
import { TestDatabase, createTestDatabase, waitFor } from '@mda/testing';
import { RunningApp, TestSystem } from '../support/system';
import { FeedSource, startFeedSource } from './feed-source';

/**
 * Subscriptions on the PostgreSQL store with two gateway replicas checking every second: each new
 * item is downloaded once, also when checks race, when a gateway dies mid-check and when a check
 * died between taking an item and storing its job.
 */
describe('subscriptions with two gateway replicas on PostgreSQL', () => {
  let db: TestDatabase;
  let sys: TestSystem;
  let feed: FeedSource;
  let second: { app: RunningApp; baseUrl: string };
  let subId: string;

  beforeAll(async () => {
    db = await createTestDatabase('mda_subs');
    sys = await TestSystem.start({ env: { DATABASE_URL: db.url, SUBSCRIPTION_MIN_INTERVAL_SEC: '1', WORKER_CONCURRENCY: '3' } });
    second = await sys.startGatewayReplica();
    feed = await startFeedSource(['p1', 'p2']);
  }, 120_000);

  afterAll(async () => {
    await feed?.close();
    await sys?.stop();
    await db?.dispose();
  });

  const at = (base: string, method: string, path: string) =>
    fetch(`${base}${path}`, { method, headers: { 'x-api-key': sys.apiKey } }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const history = async () =>
    (await sys.api('GET', `/api/v1/subscriptions/${subId}`)).body.checks as Array<{
      trigger: string;
      new_items: number;
      request_ids: string[];
      started_at: string;
    }>;
  const completed = (id: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const j = (await sys.api('GET', `/api/v1/download/${id}`)).body;
        if (j.status === 'failed') throw new Error(`${id} failed: ${j.error}`);
        return j.status === 'completed' ? j : undefined;
      },
      { timeoutMs, what: `${id} completed` },
    );
  /** The job of a feed item, once some check has queued it. */
  const jobOf = (name: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        for (const c of await history()) {
          for (const id of c.request_ids) {
            const j = (await sys.api('GET', `/api/v1/download/${id}`)).body;
            if (j.url === `${feed.url}/${name}.mp4`) return j.request_id as string;
          }
        }
        return undefined;
      },
      { timeoutMs, what: `a check to queue ${name}` },
    );
  const scheduledChecksIn = (lines: string[]) => lines.filter((l) => l.includes(subId) && l.includes('"trigger":"schedule"')).length;

  it('checks from both replicas every second and takes each new item once, also when manual checks race', async () => {
    const r = await sys.api('POST', '/api/v1/subscriptions', { url: feed.feedUrl, check_interval: 1 });
    expect(r.status).toBe(201);
    subId = r.body.subscription_id;
    feed.add('n1');
    feed.add('n2');
    await completed(await jobOf('n1'));
    await completed(await jobOf('n2'));
    // both replicas run scheduled checks of it (one at a time: the lease)
    await waitFor(() => scheduledChecksIn(sys.logsOf('gateway')) > 0 && scheduledChecksIn(second.app.output) > 0, {
      timeoutMs: 60_000,
      what: 'scheduled checks on both replicas',
    });

    feed.add('n3');
    const raced = await Promise.all([
      at(sys.baseUrl, 'POST', `/api/v1/subscriptions/${subId}/check`),
      at(second.baseUrl, 'POST', `/api/v1/subscriptions/${subId}/check`),
    ]);
    for (const x of raced) expect([200, 409]).toContain(x.status);
    await completed(await jobOf('n3'));
    const total = (await history()).reduce((n, c) => n + c.new_items, 0);
    expect(total).toBe(3);
    expect([...feed.gets.entries()].sort()).toEqual([
      ['/n1.mp4', 1],
      ['/n2.mp4', 1],
      ['/n3.mp4', 1],
    ]);
  }, 180_000);

  it('takes over the check of a gateway killed mid-check and downloads the new item once', async () => {
    // the feed answers slowly: a check is under way when the gateways die
    feed.feedDelayMs = 6000;
    const reads = feed.feedReads();
    feed.add('k1');
    await waitFor(() => feed.feedReads() > reads, { timeoutMs: 20_000, what: 'a check listing the feed' });
    second.app.child.kill('SIGKILL');
    await sys.kill('gateway', 'SIGKILL');
    feed.feedDelayMs = 0;
    await sys.startApp('gateway');
    await sys.waitReady(60_000);
    // the dead holder's lease runs out (30 s), then a check finds k1
    await completed(await jobOf('k1', 90_000));
    expect(feed.gets.get('/k1.mp4')).toBe(1);
  }, 180_000);

  it('queues an item a dead check had taken but not stored, with the request id it was given, once', async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const url = `${feed.url}/orph.mp4`;
    const key = createHash('sha256').update(url).digest('hex');
    // what a check leaves when it dies between taking an item and storing its job
    await c.query(
      `insert into subscription_items (subscription_id, item_key, url, title, state, request_id, check_id, recorded_at) values ($1, $2, $3, 'Item orph', 'pending', 'req_orphan0000000001', 'chk_dead', $4)`,
      [subId, key, url, new Date().toISOString()],
    );
    await c.end();
    feed.add('orph');
    const job = await completed('req_orphan0000000001', 90_000).catch(async () => {
      throw new Error(`not queued; checks: ${JSON.stringify((await history()).slice(0, 3))}`);
    });
    expect(job.url).toBe(url);
    expect(feed.gets.get('/orph.mp4')).toBe(1);
    const queuedBy = (await history()).filter((c) => c.request_ids.includes('req_orphan0000000001'));
    expect(queuedBy).toHaveLength(1);
    console.log('check history on PostgreSQL (newest first)', JSON.stringify((await history()).slice(0, 6), null, 1));
  }, 120_000);
});
