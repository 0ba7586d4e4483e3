import { waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { signatureOk, startReceiver } from '../api/support';
import { FeedSource, startFeedSource } from './feed-source';

/** Subscriptions on a local RSS feed: built apps, real broker, real yt-dlp. */
describe('subscriptions on a local RSS feed', () => {
  let sys: TestSystem;
  let feed: FeedSource;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    // checks may be as often as every second here (the default minimum is five minutes)
    sys = await TestSystem.start({ env: { SUBSCRIPTION_MIN_INTERVAL_SEC: '1', WORKER_CONCURRENCY: '3' } });
    feed = await startFeedSource(['old1', 'old2']);
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await feed?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const completed = (ids: string[]) =>
    waitFor(
      async () => {
        const jobs = await Promise.all(ids.map((id) => sys.api('GET', `/api/v1/download/${id}`)));
        if (jobs.some((j) => j.body.status === 'failed')) throw new Error(`a job failed: ${JSON.stringify(jobs.map((j) => j.body.error))}`);
        return jobs.every((j) => j.body.status === 'completed') ? jobs.map((j) => j.body) : undefined;
      },
      { timeoutMs: 60_000, what: `jobs ${ids.join(', ')} completed` },
    );

  it('refuses an interval below the minimum, a bad backfill and an unknown field, storing nothing', async () => {
    for (const body of [
      { url: feed.feedUrl, check_interval: 0 },
      { url: feed.feedUrl, backfill: 'some' },
      { url: feed.feedUrl, backfill: -1 },
      { url: feed.feedUrl, colour: 'red' },
      { url: 'ftp://example.com/feed' },
    ]) {
      const r = await sys.api('POST', '/api/v1/subscriptions', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_error');
    }
    expect((await sys.api('GET', '/api/v1/subscriptions')).body.subscriptions).toEqual([]);
  });

  it('backfill none downloads nothing; a new item is downloaded at /check, once, and subscription.checked arrives signed', async () => {
    const hook = `${receiver.url}/sub-manual`;
    const created = await sys.api('POST', '/api/v1/subscriptions', { url: feed.feedUrl, check_interval: 3600, webhook_url: hook });
    expect(created.status).toBe(201);
    const id = created.body.subscription_id as string;
    expect(id).toMatch(/^sub_[a-z0-9]{12,}$/);
    expect(created.body).toMatchObject({ backfill: 'none', paused: false, title: 'Test Feed', check_interval: 3600 });
    expect(created.body.checks).toHaveLength(1);
    expect(created.body.checks[0]).toMatchObject({ trigger: 'create', status: 'ok', items_seen: 2, new_items: 0, request_ids: [] });
    expect(Date.parse(created.body.next_check_at)).toBeGreaterThan(Date.now() + 3000_000);

    // nothing new: a check finds nothing and announces nothing
    const quiet = await sys.api('POST', `/api/v1/subscriptions/${id}/check`);
    expect(quiet.status).toBe(200);
    expect(quiet.body).toMatchObject({ trigger: 'manual', status: 'ok', items_seen: 2, new_items: 0 });

    feed.add('new1');
    const check = await sys.api('POST', `/api/v1/subscriptions/${id}/check`);
    expect(check.body).toMatchObject({ status: 'ok', items_seen: 3, new_items: 1 });
    const [job] = await completed(check.body.request_ids);
    expect(job.url).toBe(`${feed.url}/new1.mp4`);
    expect(feed.gets.get('/old1.mp4')).toBeUndefined();

    const again = await sys.api('POST', `/api/v1/subscriptions/${id}/check`);
    expect(again.body).toMatchObject({ status: 'ok', items_seen: 3, new_items: 0 });
    expect(feed.gets.get('/new1.mp4')).toBe(1);

    const announced = await waitFor(
      () => receiver.received.find((w) => w.body.event === 'subscription.checked' && w.body.data['check_id'] === check.body.check_id),
      { what: 'subscription.checked' },
    );
    expect(signatureOk(announced, sys.apiKey)).toBe(true);
    expect(announced.headers['x-webhook-event']).toBe('subscription.checked');
    expect(announced.body.data).toMatchObject({ subscription_id: id, new_items: 1, request_ids: check.body.request_ids, status: 'ok' });
    // the new job sends its own webhooks
    await waitFor(() => receiver.received.find((w) => w.body.event === 'download.completed' && w.body.request_id === job.request_id), {
      what: 'download.completed of the new item',
    });
    // only the check with something new was announced
    expect(receiver.received.filter((w) => w.body.event === 'subscription.checked' && w.body.data['subscription_id'] === id)).toHaveLength(1);

    const detail = await sys.api('GET', `/api/v1/subscriptions/${id}`);
    expect(detail.body.checks.map((c: { trigger: string; new_items: number }) => [c.trigger, c.new_items])).toEqual([
      ['manual', 0],
      ['manual', 1],
      ['manual', 0],
      ['create', 0],
    ]);
    // the note shows a check history from a run
    console.log('subscription check history', JSON.stringify(detail.body.checks, null, 1));
    // an item the batch path refuses (a URL with a bad percent escape) is left out, never blocking the others
    feed.add('bad%zz');
    feed.add('good2');
    const mixed = await sys.api('POST', `/api/v1/subscriptions/${id}/check`);
    expect(mixed.body).toMatchObject({ status: 'ok', new_items: 1 });
    expect(mixed.body.error).toMatch(/1 item\(s\) refused/);
    await completed(mixed.body.request_ids);
    expect(feed.gets.get('/good2.mp4')).toBe(1);
    const after = await sys.api('POST', `/api/v1/subscriptions/${id}/check`);
    expect(after.body).toMatchObject({ status: 'ok', new_items: 0, error: null });
    expect((await sys.api('DELETE', `/api/v1/subscriptions/${id}`)).body).toEqual({ subscription_id: id, deleted: true });
    expect((await sys.api('GET', `/api/v1/subscriptions/${id}`)).status).toBe(404);
  }, 120_000);

  it('checks on schedule with a short interval; a paused subscription is not checked', async () => {
    const active = await sys.api('POST', '/api/v1/subscriptions', { url: feed.feedUrl, check_interval: 2 });
    const paused = await sys.api('POST', '/api/v1/subscriptions', { url: `${feed.feedUrl}?paused`, check_interval: 2 });
    expect(active.status).toBe(201);
    expect(paused.status).toBe(201);
    const p = await sys.api('PATCH', `/api/v1/subscriptions/${paused.body.subscription_id}`, { paused: true });
    expect(p.body).toMatchObject({ paused: true, next_check_at: null });

    feed.add('sched1');
    const found = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/subscriptions/${active.body.subscription_id}`);
        return r.body.checks.find((c: { trigger: string; new_items: number }) => c.trigger === 'schedule' && c.new_items === 1);
      },
      { timeoutMs: 30_000, what: 'a scheduled check that found the new item' },
    );
    await completed(found.request_ids);
    // two more scheduled checks of the active one: the paused one had every chance to run meanwhile
    await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/subscriptions/${active.body.subscription_id}`);
        const after = r.body.checks.filter((c: { trigger: string; started_at: string }) => c.trigger === 'schedule' && c.started_at > found.started_at);
        return after.length >= 2 ? after : undefined;
      },
      { timeoutMs: 30_000, what: 'two later scheduled checks' },
    );
    const pausedNow = await sys.api('GET', `/api/v1/subscriptions/${paused.body.subscription_id}`);
    expect(pausedNow.body.checks.map((c: { trigger: string }) => c.trigger)).toEqual(['create']);
    // the other checks never took the item again
    expect(feed.gets.get('/sched1.mp4')).toBe(1);

    // resumed: it checks on schedule again (and finds the item, which its own archive entry does not hold yet... the key's archive does)
    await sys.api('PATCH', `/api/v1/subscriptions/${paused.body.subscription_id}`, { paused: false });
    const resumed = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/subscriptions/${paused.body.subscription_id}`);
        return r.body.checks.find((c: { trigger: string }) => c.trigger === 'schedule');
      },
      { timeoutMs: 30_000, what: 'a scheduled check after resume' },
    );
    // the key's archive has sched1 already: never downloaded twice
    expect(resumed).toMatchObject({ status: 'ok', new_items: 0 });
    expect(feed.gets.get('/sched1.mp4')).toBe(1);
  }, 120_000);
});
