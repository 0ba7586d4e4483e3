import { QUEUES, ROUTING_KEYS } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { QueueDepth, QueueStats } from '../worker-queries/queue-stats';
import { WorkerPresence } from '../worker-queries/worker-presence';
import { WebhookLogRepository } from '../store/webhook-log.repository';
import { OTHER, OWNER, ServiceKit, serviceKit, refusal, silentLogger } from '../../test/support/service-kit';
import { DownloadsService } from './downloads.service';

class FixedQueues extends QueueStats {
  consumers: number | null = 1;
  async depths(): Promise<Record<string, QueueDepth> | null> {
    return this.consumers === null ? null : { [QUEUES.downloaderJobs]: { messages: 0, consumers: this.consumers } };
  }
}

describe('DownloadsService', () => {
  let kit: ServiceKit;
  let queues: FixedQueues;
  let service: DownloadsService;
  let id: string;

  beforeEach(async () => {
    kit = await serviceKit();
    queues = new FixedQueues();
    const links = new FileLinks('unit-secret', 3600, kit.clock);
    service = new DownloadsService(
      kit.jobs,
      kit.submit,
      kit.events,
      kit.clock,
      silentLogger,
      links,
      new WorkerPresence(queues),
      new WebhookLogRepository(kit.db),
    );
    id = (await service.create({ url: 'https://media.example/v' }, OWNER)).request_id;
    kit.events.clear();
  });
  afterEach(() => kit.close());

  it('cancels a queued job in the store at once (200) and still tells the workers', async () => {
    const { httpStatus, body } = await service.cancel(id, OWNER);
    expect(httpStatus).toBe(200);
    expect(body).toMatchObject({ request_id: id, status: 'cancelled', cancel_requested: true });
    expect(kit.events.dataOf(ROUTING_KEYS.downloadCancel)).toEqual([{ request_id: id }]);
  });

  it('asks the worker to stop a running job (202); the job stays running until it reports', async () => {
    await kit.jobs.markStarted(id, kit.clock.now().toISOString());
    const { httpStatus, body } = await service.cancel(id, OWNER);
    expect(httpStatus).toBe(202);
    expect(body.status).toBe('running');
    expect(kit.events.dataOf(ROUTING_KEYS.downloadCancel)).toEqual([{ request_id: id }]);
  });

  it('cancel vs complete: a finished job is 409 and nothing is sent; another key gets 404', async () => {
    await kit.jobs.finish(id, 'completed', kit.clock.now().toISOString());
    const err = await refusal(service.cancel(id, OWNER));
    expect(err.code).toBe('conflict');
    expect(err.details).toEqual({ status: 'completed' });
    expect((await refusal(service.cancel(id, OTHER))).code).toBe('not_found');
    expect(kit.events.types()).toEqual([]);
  });

  it('a broker that does not confirm: a queued job is cancelled anyway (the store is what workers ask), a running one is 503', async () => {
    kit.events.failNext();
    expect((await service.cancel(id, OWNER)).httpStatus).toBe(200);
    const running = (await service.create({ url: 'https://media.example/w' }, OWNER)).request_id;
    await kit.jobs.markStarted(running, kit.clock.now().toISOString());
    kit.events.failNext();
    const err = await refusal(service.cancel(running, OWNER));
    expect(err.code).toBe('broker_unavailable');
    expect((await kit.jobs.find(running))?.status).toBe('running');
  });

  it('says a queued job waits for a worker only when the broker reports none', async () => {
    expect(await service.get(id, OWNER)).not.toHaveProperty('waiting_for');
    queues.consumers = 0;
    expect(await service.get(id, OWNER)).toMatchObject({ status: 'queued', waiting_for: 'worker' });
    queues.consumers = null;
    expect(await service.get(id, OWNER)).not.toHaveProperty('waiting_for');
    expect((await refusal(service.get(id, OTHER))).code).toBe('not_found');
  });
});
