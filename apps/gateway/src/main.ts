import 'reflect-metadata';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kysely } from 'kysely';
import { SUBSCRIPTIONS, SubscriptionName } from '@mda/contracts';
import { AmqpConnection, AmqpTransport, exitOnStartupFailure, loadConfigOrExit } from '@mda/messaging';
import { Logger, PinoNestLogger, collectProcessMetrics, createLogger, initialiseMetrics, logProcessWarnings, onShutdownSignal } from '@mda/observability';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { fastifyServerOptions, hardenHttpServer } from './common/http-hardening';
import { createValidationPipe } from './common/validation';
import { enableCors } from './common/cors';
import { setupOpenApi } from './docs/openapi';
import { GatewayConfig, loadGatewayConfig } from './config/gateway-config';
import { ShutdownState } from './health/shutdown-state';
import { registerHttpMetrics } from './metrics/http-metrics';
import { migrateToLatest } from './store/database';
import { DATABASE, STORE_KIND, StoreKind } from './store/database.tokens';
import { Database } from './store/schema';

/** The subscriptions the gateway consumes; each has exactly one handler (checked at start-up). */
export const GATEWAY_SUBSCRIPTIONS = [
  SUBSCRIPTIONS.gatewayDownloadEvents.name,
  SUBSCRIPTIONS.gatewayJobQueries.name,
  SUBSCRIPTIONS.gatewayWebhookAttempts.name,
  SUBSCRIPTIONS.gatewayJobChanges.name,
] as const;

export interface GatewayWiring {
  /** The root module (tests may wrap it). */
  module: (config: GatewayConfig) => DynamicModule;
  subscriptions: readonly SubscriptionName[];
}

/**
 * The gateway, not yet listening. Throws HandlerRegistrationError (after closing what it opened)
 * when a declared subscription has no handler or more than one.
 */
export async function createGateway(
  config: GatewayConfig,
  logger: Logger,
  wiring: GatewayWiring = { module: AppModule.forRoot, subscriptions: GATEWAY_SUBSCRIPTIONS },
) {
  const adapter = new FastifyAdapter(fastifyServerOptions(config));
  // our JSON parser replaces Nest's (see hardenHttpServer)
  const app = await NestFactory.create<NestFastifyApplication>(wiring.module(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  hardenHttpServer(app.getHttpAdapter().getInstance(), config);
  enableCors(app, config.corsOrigins);
  registerHttpMetrics(app.getHttpAdapter().getInstance(), logger);
  app.useGlobalFilters(new ErrorFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  const transport = new AmqpTransport(app.get(AmqpConnection), logger, { prefetchFor: () => config.amqpPrefetch, subscriptions: wiring.subscriptions });
  app.connectMicroservice({ strategy: transport });
  try {
    transport.assertHandlers();
  } catch (err) {
    await app.close();
    throw err;
  }
  await migrateToLatest(app.get<Kysely<Database>>(DATABASE), app.get<StoreKind>(STORE_KIND));
  return { app, transport };
}

/**
 * A gateway process's start: logger and metrics, the HTTP server, the graceful SIGTERM (drain the
 * consumers, then close), then the consumers. Exported for the e2e launchers that add test hooks.
 */
export async function startGateway(config: GatewayConfig) {
  const logger = createLogger('gateway', config.logLevel);
  logProcessWarnings(logger);
  collectProcessMetrics();
  initialiseMetrics('gateway');
  const { app, transport } = await createGateway(config, logger);
  await app.listen(config.port, config.host);
  logger.info({ port: config.port, host: config.host }, 'gateway listening');
  onShutdownSignal(logger, {
    drain: async () => {
      app.get(ShutdownState).draining = true;
      await transport.stopAndDrain(config.shutdownGraceSec * 1000);
    },
    close: () => app.close(),
  });
  await app.startAllMicroservices();
  logger.info('consuming download events');
  return { app, transport, logger };
}

async function main() {
  await startGateway(loadConfigOrExit('gateway', loadGatewayConfig));
}

if (require.main === module) {
  void main().catch(exitOnStartupFailure('gateway'));
}
