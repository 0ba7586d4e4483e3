import { ROUTING_KEYS } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { OTHER, OWNER, ServiceKit, serviceKit, refusal, silentLogger } from '../../test/support/service-kit';
import { DownloadCapacity } from './adapters/download-capacity';
import { BatchDispatcher } from './batch-dispatcher.service';
import { BatchReleaseListener } from './batch-release.listener';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';

class FixedCapacity extends DownloadCapacity {
  constructor(private readonly consumers: number | null) {
    super();
  }
  async jobConsumers() {
    return this.consumers;
  }
}

const URLS = ['https://media.example/1', 'https://media.example/2', 'https://media.example/3', 'https://media.example/4'];

describe('BatchesService', () => {
  let kit: ServiceKit;
  let repo: BatchesRepository;
  let service: BatchesService;

  beforeEach(async () => {
    kit = await serviceKit();
    repo = new BatchesRepository(kit.db);
    const dispatcher = new BatchDispatcher(repo, kit.jobs, kit.submit, kit.events, kit.clock, silentLogger);
    new BatchReleaseListener(kit.lifecycle, dispatcher, silentLogger).onModuleInit();
    const links = new FileLinks('unit-secret', 3600, kit.clock);
    service = new BatchesService(repo, kit.jobs, dispatcher, kit.submit, kit.events, kit.clock, kit.ids, silentLogger, links, new FixedCapacity(1), kit.config);
  });
  afterEach(() => kit.close());

  const requested = () => kit.events.dataOf(ROUTING_KEYS.downloadRequested).map((c) => c.url);
  /** A child's final event as the jobs module applies it: the store, then `job finished`. */
  async function finish(requestId: string, status: 'completed' | 'failed', batchId: string) {
    await kit.jobs.finish(requestId, status, kit.clock.now().toISOString(), status === 'failed' ? { error: 'HTTP 404', error_code: 'not_found' } : {});
    await kit.lifecycle.finished({ request_id: requestId, status, batch_id: batchId });
  }

  it('stores every child and releases only concurrent_limit of them; each final child releases the next; batch.completed once', async () => {
    const batch = await service.create({ urls: URLS, concurrent_limit: 2, webhook_url: 'https://hooks.example/b' }, OWNER);
    expect(batch).toMatchObject({ status: 'queued', total: 4, concurrent_limit: 2, effective_concurrency: 2, stop_on_error: false });
    expect(requested()).toEqual(URLS.slice(0, 2));
    const [a, b, c, d] = batch.request_ids;
    await finish(a, 'completed', batch.batch_id);
    expect(requested()).toEqual(URLS.slice(0, 3));
    // a redelivered final event releases nothing more
    await kit.lifecycle.finished({ request_id: a, status: 'completed', batch_id: batch.batch_id });
    expect(requested()).toEqual(URLS.slice(0, 3));
    await finish(b, 'failed', batch.batch_id);
    await finish(c, 'completed', batch.batch_id);
    await finish(d, 'completed', batch.batch_id);
    await finish(d, 'completed', batch.batch_id);
    const completed = kit.events.dataOf(ROUTING_KEYS.batchCompleted);
    expect(completed).toEqual([
      expect.objectContaining({
        batch_id: batch.batch_id,
        status: 'completed',
        counts: { completed: 3, failed: 1, cancelled: 0 },
        webhook: { url: 'https://hooks.example/b', key_fp: OWNER.fingerprint },
      }),
    ]);
    expect((await service.get(batch.batch_id, OWNER)).status).toBe('completed');
  });

  it('stop_on_error: after a failure the waiting children are cancelled (each told through download.cancelled), none started', async () => {
    const batch = await service.create({ urls: URLS, concurrent_limit: 1, stop_on_error: true }, OWNER);
    await finish(batch.request_ids[0], 'failed', batch.batch_id);
    expect(requested()).toEqual([URLS[0]]);
    expect(kit.events.dataOf(ROUTING_KEYS.downloadCancelled).map((e) => e.request_id)).toEqual(batch.request_ids.slice(1));
    expect((await kit.jobs.find(batch.request_ids[3]))?.status).toBe('cancelled');
    expect(kit.events.dataOf(ROUTING_KEYS.batchCompleted)).toEqual([expect.objectContaining({ counts: { completed: 0, failed: 1, cancelled: 3 } })]);
  });

  it('cancel: waiting children at once, released ones through download.cancel; again is 409; another key gets 404', async () => {
    const batch = await service.create({ urls: URLS, concurrent_limit: 2 }, OWNER);
    expect((await refusal(service.cancel(batch.batch_id, OTHER))).code).toBe('not_found');
    const view = await service.cancel(batch.batch_id, OWNER);
    expect(view.status).toBe('cancelled');
    expect(kit.events.dataOf(ROUTING_KEYS.downloadCancel).map((c) => c.request_id)).toEqual(batch.request_ids.slice(0, 2));
    expect(view.counts).toMatchObject({ cancelled: 4, queued: 0 });
    expect((await refusal(service.cancel(batch.batch_id, OWNER))).code).toBe('conflict');
    // cancel vs complete: a released child's late completion changes nothing and completes nothing twice
    await finish(batch.request_ids[0], 'completed', batch.batch_id);
    expect(kit.events.dataOf(ROUTING_KEYS.batchCompleted)).toHaveLength(1);
  });

  it('keeps nothing and answers 503 when the broker does not take the first children', async () => {
    kit.events.failNext();
    const err = await refusal(service.create({ urls: URLS.slice(0, 2) }, OWNER));
    expect(err.code).toBe('broker_unavailable');
    expect(await kit.jobs.list({ ownerFp: OWNER.fingerprint, limit: 10 })).toEqual([]);
  });

  it('refuses a batch with one refused URL and stores nothing', async () => {
    const err = await refusal(service.create({ urls: ['https://media.example/1', 'https://nas.internal/2'] }, OWNER));
    expect(err.code).toBe('forbidden_address');
    expect(JSON.stringify(err.details)).toContain('urls[1]');
    expect(kit.events.types()).toEqual([]);
    expect(await kit.jobs.list({ ownerFp: OWNER.fingerprint, limit: 10 })).toEqual([]);
  });

  it('fixed request ids (a subscription rerun) and no batch.completed when not announced', async () => {
    const batch = await service.createBatch(
      {
        kind: 'subscription',
        sourceUrl: 'https://media.example/feed',
        urls: URLS.slice(0, 1),
        control: {},
        requestIds: ['req_subscription0001'],
        announceCompletion: false,
      },
      OWNER,
    );
    expect(batch.request_ids).toEqual(['req_subscription0001']);
    expect(batch.webhook_url).toBeNull();
    await finish('req_subscription0001', 'completed', batch.batch_id);
    expect(kit.events.dataOf(ROUTING_KEYS.batchCompleted)).toEqual([expect.objectContaining({ webhook: null })]);
  });
});
