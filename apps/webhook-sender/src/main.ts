import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ConfigError } from '@mda/config';
import { SUBSCRIPTIONS } from '@mda/contracts';
import { AmqpConnection, AmqpTransport } from '@mda/messaging';
import { collectProcessMetrics, createLogger, logProcessWarnings, onShutdownSignal, startOpsServer } from '@mda/observability';
import { SenderConfig, loadSenderConfig } from './config/sender-config';
import { SenderModule } from './sender.module';

async function main() {
  let config: SenderConfig;
  try {
    config = loadSenderConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger('webhook-sender').fatal(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger('webhook-sender', config.logLevel);
  logProcessWarnings(logger);
  collectProcessMetrics();
  const app = await NestFactory.create(SenderModule.forRoot(config), new FastifyAdapter(), { logger: ['error', 'warn'] });
  const amqp = app.get(AmqpConnection);
  let draining = false;
  const ops = await startOpsServer({
    port: config.metricsPort,
    host: config.host,
    readiness: () => ({
      ready: amqp.isConnected() && !draining,
      checks: { broker: amqp.isConnected() ? 'up' : 'down', shutting_down: draining, webhooks_enabled: config.enabled },
    }),
  });
  const transport = new AmqpTransport(amqp, logger, { prefetchFor: (name) => prefetchFor(name, config) });
  app.connectMicroservice({ strategy: transport });
  await app.init();
  onShutdownSignal(logger, {
    drain: async () => {
      draining = true;
      await transport.stopAndDrain(Math.min(config.shutdownGraceSec, config.timeoutSec + 5) * 1000);
    },
    close: async () => {
      await ops.close();
      await app.close();
    },
  });
  logger.info({ metrics_port: ops.port, enabled: config.enabled, max_retries: config.maxRetries, timeout_sec: config.timeoutSec }, 'webhook-sender starting');
  await app.startAllMicroservices();
  logger.info('delivering webhooks');
}

/**
 * The intake's only work per event is one confirmed publish to the quorum `webhooks.deliver`,
 * whose confirm waits for a quorum commit: with few messages in flight that latency, not CPU,
 * caps the rate (20 in flight gave about 400 events/s). Many in flight let the broker batch commits.
 */
function prefetchFor(name: string, config: SenderConfig): number {
  if (name === SUBSCRIPTIONS.webhooksDeliver.name) return config.deliverPrefetch;
  if (name === SUBSCRIPTIONS.senderDownloadEvents.name) return Math.max(config.amqpPrefetch, config.deliverPrefetch * 4);
  return config.amqpPrefetch;
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
