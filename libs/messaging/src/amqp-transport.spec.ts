import { Controller, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { createLogger } from '@mda/observability';
import type { AmqpConnection } from './amqp-connection';
import { AmqpTransport, HandlerRegistrationError } from './amqp-transport';
import { HandlerOutcome } from './consumer';
import { HandleMessages } from './handle-messages';

@Controller()
class JobsHandler {
  @HandleMessages(SUBSCRIPTIONS.downloaderJobs)
  async run(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.downloaderJobs>): Promise<HandlerOutcome> {
    return env.data.options.quality === 'best' ? 'ack' : 'dead';
  }
}

@Controller()
class OtherJobsHandler {
  @HandleMessages(SUBSCRIPTIONS.downloaderJobs)
  async alsoRun(): Promise<HandlerOutcome> {
    return 'ack';
  }
}

@Controller()
class ControlHandler {
  @HandleMessages(SUBSCRIPTIONS.workerControl)
  async cancel(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.workerControl>): Promise<HandlerOutcome> {
    return env.data.request_id ? 'ack' : 'dead';
  }
}

@Controller()
class PlainPatternHandler {
  @EventPattern('downloader.jobz')
  async typo(): Promise<HandlerOutcome> {
    return 'ack';
  }
}

const logger = createLogger('transport-test', 'silent');
const apps: INestApplication[] = [];

/** A Nest app of these controllers with the transport connected (no broker: nothing is consumed). */
async function transportFor(controllers: Type[], subscriptions: string[]): Promise<AmqpTransport> {
  @Module({ controllers })
  class Root {}
  const app = await NestFactory.create(Root, new FastifyAdapter(), { logger: false });
  apps.push(app);
  const transport = new AmqpTransport({} as AmqpConnection, logger, { prefetchFor: () => 1, subscriptions });
  app.connectMicroservice({ strategy: transport });
  return transport;
}

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

describe('AmqpTransport.assertHandlers: exactly one handler per declared subscription', () => {
  it('passes when every declared subscription has one handler and every handler is declared', async () => {
    const t = await transportFor([JobsHandler, ControlHandler], ['downloader.jobs', 'downloader.control']);
    expect(() => t.assertHandlers()).not.toThrow();
  });

  it('refuses a second handler of the same subscription, naming both (Nest would chain it behind the first, never to run)', async () => {
    const t = await transportFor([JobsHandler, OtherJobsHandler, ControlHandler], ['downloader.jobs', 'downloader.control']);
    expect(() => t.assertHandlers()).toThrow(HandlerRegistrationError);
    expect(() => t.assertHandlers()).toThrow(
      'message handlers do not match the declared subscriptions: "downloader.jobs" has 2 handlers (JobsHandler.run, OtherJobsHandler.alsoRun); only one may handle a subscription',
    );
  });

  it('refuses a declared subscription without a handler', async () => {
    const t = await transportFor([JobsHandler], ['downloader.jobs', 'downloader.control']);
    expect(() => t.assertHandlers()).toThrow('"downloader.control" is declared but has no handler');
  });

  it('refuses a handler of a subscription the app does not declare, and a declared name that is no subscription', async () => {
    const t = await transportFor([JobsHandler, ControlHandler, PlainPatternHandler], ['downloader.jobs', 'downloader.controls']);
    let problems: string[] = [];
    try {
      t.assertHandlers();
    } catch (err) {
      problems = (err as HandlerRegistrationError).problems;
    }
    expect(problems).toEqual([
      '"downloader.controls" is declared but names no subscription of @mda/contracts',
      'ControlHandler.cancel handles "downloader.control", which this app does not declare',
      'an @EventPattern handler handles "downloader.jobz", which this app does not declare',
    ]);
  });

  it('checks before consuming anything: listen() reports the same error', async () => {
    const t = await transportFor([JobsHandler, OtherJobsHandler], ['downloader.jobs']);
    const err = await new Promise<unknown>((resolve) => void t.listen(resolve));
    expect(err).toBeInstanceOf(HandlerRegistrationError);
  });
});
