import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import pino from 'pino';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome, HandlerRegistrationError } from '@mda/messaging';
import { TestVhost, createTestVhost } from '@mda/testing';
import { AppModule } from '../src/app.module';
import { GatewayConfig, loadGatewayConfig } from '../src/config/gateway-config';
import { DownloadEventsHandler } from '../src/jobs/download-events.handler';
import { JobsModule } from '../src/jobs/jobs.module';
import { GATEWAY_SUBSCRIPTIONS, createGateway } from '../src/main';

/** A second consumer of the download events, as a copy-pasted controller would add. */
@Controller()
class SecondEventsHandler {
  @HandleMessages(SUBSCRIPTIONS.gatewayDownloadEvents)
  async again(@Payload() _env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayDownloadEvents>): Promise<HandlerOutcome> {
    return 'ack';
  }
}

@Module({})
class WithSecondEventsHandler {}

describe('the gateway refuses to start unless each subscription it declares has exactly one handler', () => {
  let vhost: TestVhost;
  let dir: string;
  let config: GatewayConfig;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    vhost = await createTestVhost('gateway-startup');
    dir = mkdtempSync(join(tmpdir(), 'mda-gateway-startup-'));
    config = loadGatewayConfig({
      API_KEY: 'startup-key-0123456789',
      AMQP_URL: vhost.amqpUrl,
      SQLITE_PATH: join(dir, 'jobs.sqlite'),
      STORAGE_DIR: join(dir, 'media'),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(async () => {
    await vhost?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts as built: one handler for each of gateway.download-events, gateway.job-queries, gateway.webhook-attempts and gateway.job-changes', async () => {
    expect(GATEWAY_SUBSCRIPTIONS).toEqual(['gateway.download-events', 'gateway.job-queries', 'gateway.webhook-attempts', 'gateway.job-changes']);
    const { app } = await createGateway(config, logger);
    await app.close();
  });

  it('stops on a duplicate handler, naming both', async () => {
    const module = (c: GatewayConfig): DynamicModule => ({
      module: WithSecondEventsHandler,
      imports: [AppModule.forRoot(c)],
      controllers: [SecondEventsHandler],
    });
    const started = createGateway(config, logger, { module, subscriptions: GATEWAY_SUBSCRIPTIONS });
    await expect(started).rejects.toThrow(HandlerRegistrationError);
    await expect(started).rejects.toThrow(
      '"gateway.download-events" has 2 handlers (DownloadEventsHandler.handle, SecondEventsHandler.again); only one may handle a subscription',
    );
  });

  it('stops on a declared subscription without a handler', async () => {
    // JobsModule as built, less its events handler (every feature module imports JobsModule itself)
    const controllers: unknown[] = Reflect.getMetadata('controllers', JobsModule);
    Reflect.defineMetadata(
      'controllers',
      controllers.filter((k) => k !== DownloadEventsHandler),
      JobsModule,
    );
    try {
      const started = createGateway(config, logger, { module: AppModule.forRoot, subscriptions: GATEWAY_SUBSCRIPTIONS });
      await expect(started).rejects.toThrow(
        'message handlers do not match the declared subscriptions: "gateway.download-events" is declared but has no handler',
      );
    } finally {
      Reflect.defineMetadata('controllers', controllers, JobsModule);
    }
  });
});
