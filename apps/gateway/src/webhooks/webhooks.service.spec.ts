import { ROUTING_KEYS, WebhookAttempted } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { OTHER, OWNER, ServiceKit, serviceKit, refusal, silentLogger } from '../../test/support/service-kit';
import { WebhookLogRepository } from '../store/webhook-log.repository';
import { WebhooksService } from './webhooks.service';

describe('WebhooksService', () => {
  let kit: ServiceKit;
  let log: WebhookLogRepository;
  let requestId: string;
  const service = (env: Record<string, string> = {}) =>
    new WebhooksService(
      kit.jobs,
      log,
      kit.events,
      kit.clock,
      { ...kit.config, webhookEnable: env.WEBHOOK_ENABLE !== 'false' },
      silentLogger,
      new FileLinks('unit-secret', 3600, kit.clock),
    );

  /** The sender's report of one attempt at an event of the job. */
  function attempt(eventId: string, n: number, outcome: WebhookAttempted['outcome'], body = '{"event":"download.started"}'): WebhookAttempted {
    return {
      event_id: eventId,
      event: 'download.started',
      request_id: requestId,
      batch_id: null,
      url: 'https://hooks.example/in',
      attempt: n,
      outcome,
      status_code: outcome === 'delivered' ? 200 : 500,
      error: outcome === 'delivered' ? null : 'HTTP 500',
      duration_ms: 12,
      response_body: null,
      next_retry_in_sec: outcome === 'retrying' ? 30 : null,
      attempted_at: kit.clock.now().toISOString(),
      delivery: { key_fp: OWNER.fingerprint, body, created_at: kit.clock.now().toISOString() },
    };
  }

  beforeEach(async () => {
    kit = await serviceKit();
    log = new WebhookLogRepository(kit.db);
    requestId = (await kit.submit.submit({ url: 'https://media.example/v', webhook_url: 'https://hooks.example/in' }, OWNER)).request_id;
    kit.events.clear();
  });
  afterEach(() => kit.close());

  it("lists a job's events with their attempts, for its owner only", async () => {
    await log.record(attempt('evt_a', 1, 'retrying'), kit.clock.now().toISOString());
    await log.record(attempt('evt_a', 2, 'delivered'), kit.clock.now().toISOString());
    const listed = await service().list(requestId, OWNER);
    expect(listed).toMatchObject({ request_id: requestId, webhook_url: 'https://hooks.example/in' });
    expect(listed.events).toEqual([expect.objectContaining({ webhook_id: 'evt_a', state: 'delivered' })]);
    expect(listed.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect((await refusal(service().list(requestId, OTHER))).code).toBe('not_found');
  });

  it('redelivers dead events as fresh deliveries (attempt 1, same id, next redelivery number) and marks them queued', async () => {
    await log.record(attempt('evt_dead', 5, 'dead'), kit.clock.now().toISOString());
    await log.record(attempt('evt_ok', 1, 'delivered'), kit.clock.now().toISOString());
    const answer = await service().redeliver(requestId, OWNER, false);
    expect(answer).toEqual({
      request_id: requestId,
      status: 'queued',
      count: 1,
      queued: [{ webhook_id: 'evt_dead', event: 'download.started', redelivery: 1 }],
    });
    expect(kit.events.dataOf(ROUTING_KEYS.webhookDeliver)).toEqual([
      expect.objectContaining({ event_id: 'evt_dead', attempt: 1, redelivery: true, redelivery_seq: 1, body: '{"event":"download.started"}' }),
    ]);
    expect((await log.events(requestId)).find((e) => e.event_id === 'evt_dead')?.state).toBe('queued');
    // queued again: not sent a second time alongside (nothing dead now)
    expect((await refusal(service().redeliver(requestId, OWNER, false))).code).toBe('conflict');
  });

  it('?all=true sends delivered ones again too, but never one still being retried', async () => {
    await log.record(attempt('evt_ok', 1, 'delivered'), kit.clock.now().toISOString());
    await log.record(attempt('evt_retrying', 1, 'retrying'), kit.clock.now().toISOString());
    const answer = await service().redeliver(requestId, OWNER, true);
    expect(answer.queued.map((q) => q.webhook_id)).toEqual(['evt_ok']);
  });

  it('signs a stored download_url afresh on redelivery', async () => {
    const body = JSON.stringify({
      event: 'download.completed',
      data: { file_info: { filepath: 'videos/v.mp4', download_url: '/files/videos/v.mp4?expires=1&sig=old' } },
    });
    await log.record({ ...attempt('evt_done', 5, 'dead', body), event: 'download.completed' }, kit.clock.now().toISOString());
    await service().redeliver(requestId, OWNER, false);
    const [delivery] = kit.events.dataOf(ROUTING_KEYS.webhookDeliver);
    const sent = JSON.parse(delivery.body);
    expect(sent.data.file_info.download_url).toContain('videos/v.mp4');
    expect(sent.data.file_info.download_url).not.toContain('sig=old');
  });

  it('refuses when webhooks are off (409), when nothing is dead (409), and for another key (404); changes nothing', async () => {
    await log.record(attempt('evt_dead', 5, 'dead'), kit.clock.now().toISOString());
    expect((await refusal(service({ WEBHOOK_ENABLE: 'false' }).redeliver(requestId, OWNER, false))).code).toBe('conflict');
    expect((await refusal(service().redeliver(requestId, OTHER, false))).code).toBe('not_found');
    expect(kit.events.types()).toEqual([]);
    expect((await log.events(requestId))[0].state).toBe('dead');
  });

  it('answers 503 with what was queued when the broker stops confirming midway; the rest stay dead', async () => {
    await log.record(attempt('evt_1', 5, 'dead'), kit.clock.now().toISOString());
    kit.clock.advance(1000);
    await log.record(attempt('evt_2', 5, 'dead'), kit.clock.now().toISOString());
    const events = await log.events(requestId);
    const firstId = events[0].event_id;
    // the first goes out, the second is not confirmed
    const svc = service();
    kit.events.failNext(undefined, new Error('publish not confirmed'), { after: 1 });
    const err = await refusal(svc.redeliver(requestId, OWNER, false));
    expect(err.code).toBe('broker_unavailable');
    expect(err.details).toEqual({ queued: [expect.objectContaining({ webhook_id: firstId })] });
    const states = Object.fromEntries((await log.events(requestId)).map((e) => [e.event_id, e.state]));
    expect(Object.values(states).sort()).toEqual(['dead', 'queued']);
  });
});
