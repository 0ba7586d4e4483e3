import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ConfigError } from '@mda/config';
import { AmqpConnection, AmqpTransport } from '@mda/messaging';
import { collectProcessMetrics, createLogger, logProcessWarnings, onShutdownSignal, startOpsServer } from '@mda/observability';
import { SUBSCRIPTIONS } from '@mda/contracts';
import { WorkerConfig, loadWorkerConfig } from './config/worker-config';
import { RunningJobs } from './download/running-jobs';
import { WorkerModule } from './worker.module';

async function main() {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger('downloader-worker').fatal(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger('downloader-worker', config.logLevel);
  logProcessWarnings(logger);
  collectProcessMetrics();
  const app = await NestFactory.create(WorkerModule.forRoot(config), new FastifyAdapter(), { logger: ['error', 'warn'] });
  const amqp = app.get(AmqpConnection);
  let draining = false;
  const ops = await startOpsServer({
    port: config.metricsPort,
    host: config.host,
    readiness: () => ({
      ready: amqp.isConnected() && !draining,
      checks: { broker: amqp.isConnected() ? 'up' : 'down', shutting_down: draining, active_downloads: app.get(RunningJobs).size },
    }),
  });
  // WORKER_CONCURRENCY is the job queue's prefetch: that many downloads at once per replica
  const transport = new AmqpTransport(amqp, logger, {
    prefetchFor: (name) => (name === SUBSCRIPTIONS.downloaderJobs.name ? config.concurrency : 10),
  });
  app.connectMicroservice({ strategy: transport });
  await app.init();
  onShutdownSignal(logger, {
    drain: async () => {
      draining = true;
      const finished = await transport.stopAndDrain(config.shutdownGraceSec * 1000);
      if (!finished) {
        // stop yt-dlp (its own process group would outlive us) and remove partial files; each job
        // answers 'requeue', and anything still unsettled goes back when the channel closes
        const stopped = app.get(RunningJobs).abortAll();
        logger.warn({ jobs: stopped }, 'grace period over: unfinished jobs go back to the queue');
        await transport.stopAndDrain(5000);
      }
    },
    close: async () => {
      await ops.close();
      await app.close();
    },
  });
  logger.info({ metrics_port: ops.port, concurrency: config.concurrency }, 'downloader-worker starting');
  await app.startAllMicroservices();
  logger.info('consuming download jobs');
}

void main().catch((err) => {
  // eslint-disable-next-line no-console
  console.error(err);
  process.exit(1);
});
