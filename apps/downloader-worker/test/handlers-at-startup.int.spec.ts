import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome, HandlerRegistrationError, createConsumerApp } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { TestVhost, createTestVhost } from '@mda/testing';
import { WorkerConfig, loadWorkerConfig } from '../src/config/worker-config';
import { WorkerQueryHandler } from '../src/queries/worker-query.handler';
import { WORKER_APP, WORKER_SUBSCRIPTIONS } from '../src/worker-app';

/** A second handler of the job queue, as a copy-pasted controller would add. */
@Controller()
class SecondJobHandler {
  @HandleMessages(SUBSCRIPTIONS.downloaderJobs)
  async again(@Payload() _env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.downloaderJobs>): Promise<HandlerOutcome> {
    return 'ack';
  }
}

@Module({})
class WithSecondJobHandler {}

describe('the downloader-worker refuses to start unless each subscription it declares has exactly one handler', () => {
  let vhost: TestVhost;
  let dir: string;
  let config: WorkerConfig;
  const logger = createLogger('worker-startup-test', 'silent');

  beforeAll(async () => {
    vhost = await createTestVhost('worker-startup');
    dir = mkdtempSync(join(tmpdir(), 'mda-worker-startup-'));
    config = loadWorkerConfig({ AMQP_URL: vhost.amqpUrl, STORAGE_DIR: dir, HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await vhost?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts as built: one handler for each of downloader.jobs, downloader.control and downloader.metadata', async () => {
    expect(WORKER_SUBSCRIPTIONS).toEqual(['downloader.jobs', 'downloader.control', 'downloader.metadata']);
    const { app } = await createConsumerApp(WORKER_APP, config, logger);
    await app.close();
  });

  it('stops on a duplicate handler, naming both', async () => {
    const module = (c: WorkerConfig): DynamicModule => ({ module: WithSecondJobHandler, imports: [WORKER_APP.module(c)], controllers: [SecondJobHandler] });
    const started = createConsumerApp({ ...WORKER_APP, module }, config, logger);
    await expect(started).rejects.toThrow(HandlerRegistrationError);
    await expect(started).rejects.toThrow(
      '"downloader.jobs" has 2 handlers (DownloadHandler.download, SecondJobHandler.again); only one may handle a subscription',
    );
  });

  it('stops on a declared subscription without a handler', async () => {
    const module = (c: WorkerConfig): DynamicModule => {
      const m = WORKER_APP.module(c);
      return { ...m, controllers: (m.controllers ?? []).filter((k) => k !== WorkerQueryHandler) };
    };
    const started = createConsumerApp({ ...WORKER_APP, module }, config, logger);
    await expect(started).rejects.toThrow('message handlers do not match the declared subscriptions: "downloader.metadata" is declared but has no handler');
  });
});
