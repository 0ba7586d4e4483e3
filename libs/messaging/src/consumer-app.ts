import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CommonConfig, ConfigError } from '@mda/config';
import { MetricApp, SubscriptionName } from '@mda/contracts';
import {
  Logger,
  PinoNestLogger,
  collectProcessMetrics,
  createLogger,
  errorFields,
  initialiseMetrics,
  logProcessWarnings,
  onShutdownSignal,
  startOpsServer,
} from '@mda/observability';
import { AmqpConnection } from './amqp-connection';
import { AmqpTransport } from './amqp-transport';

/** Loads the app's configuration; a bad value stops the process with a line naming the variable (exit 78). */
export function loadConfigOrExit<C>(service: string, load: () => C): C {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger(service).fatal(err.message);
      process.exit(78);
    }
    throw err;
  }
}

/**
 * The end of a start-up that threw: a configuration error (also one found while opening a store
 * or folder) exits 78 with one line naming the variable; anything else exits 1, logged as JSON
 * fields (message, code, stack).
 */
export function exitOnStartupFailure(service: string, logger: Logger = createLogger(service)): (err: unknown) => never {
  return (err: unknown) => {
    if (err instanceof ConfigError) {
      logger.fatal({ variable: err.variable }, err.message);
      process.exit(78);
    }
    logger.fatal({ err: errorFields(err) }, `${service} failed to start`);
    process.exit(1);
  };
}

export interface ConsumerAppContext<C> {
  app: INestApplication;
  config: C;
  logger: Logger;
  transport: AmqpTransport;
}

export interface ConsumerAppOptions<C extends CommonConfig & { metricsPort: number; host: string }> {
  service: MetricApp;
  loadConfig: () => C;
  module: (config: C) => DynamicModule;
  /** The subscriptions this app consumes: each must have exactly one handler, or the app does not start. */
  subscriptions: readonly SubscriptionName[];
  prefetchFor: (subscription: string, config: C) => number;
  /** A reason this app must not be ready (besides the broker and shutdown), or undefined. */
  notReadyReason?: (ctx: Omit<ConsumerAppContext<C>, 'transport' | 'logger'>) => string | undefined;
  /** Once the transport exists, before consuming starts (e.g. to pause a subscription). */
  onTransport?: (ctx: ConsumerAppContext<C>) => Promise<void>;
  /** Extra fields of /health/ready. */
  readinessChecks: (ctx: Omit<ConsumerAppContext<C>, 'transport' | 'logger'>) => Record<string, string | boolean | number>;
  /** After SIGTERM: stop taking work and let what is in flight finish (or hand it back). */
  drain: (ctx: ConsumerAppContext<C>) => Promise<void>;
  startingFields: (config: C) => Record<string, unknown>;
  /** Logged once every consumer is attached. */
  consumingMessage: string;
}

/**
 * Boots an app that serves no API (worker, sender): Nest context with our AMQP transport, the
 * ops port (health, metrics), and graceful shutdown. Readiness follows the broker connection.
 */
export async function runConsumerApp<C extends CommonConfig & { metricsPort: number; host: string }>(opts: ConsumerAppOptions<C>): Promise<void> {
  const config = loadConfigOrExit(opts.service, opts.loadConfig);
  const logger = createLogger(opts.service, config.logLevel);
  logProcessWarnings(logger);
  collectProcessMetrics();
  initialiseMetrics(opts.service);
  const { app, transport } = await createConsumerApp(opts, config, logger);
  const amqp = app.get(AmqpConnection);
  let draining = false;
  const ops = await startOpsServer({
    port: config.metricsPort,
    host: config.host,
    timeouts: config.http,
    readiness: () => {
      const reason = opts.notReadyReason?.({ app, config });
      return {
        ready: amqp.isConnected() && !draining && !reason,
        checks: {
          broker: amqp.isConnected() ? 'up' : 'down',
          shutting_down: draining,
          ...(reason ? { not_ready: reason } : {}),
          ...opts.readinessChecks({ app, config }),
        },
      };
    },
  });
  await app.init();
  await opts.onTransport?.({ app, config, logger, transport });
  onShutdownSignal(logger, {
    drain: async () => {
      draining = true;
      await opts.drain({ app, config, logger, transport });
    },
    close: async () => {
      await ops.close();
      await app.close();
    },
  });
  logger.info({ metrics_port: ops.port, ...opts.startingFields(config) }, `${opts.service} starting`);
  await app.startAllMicroservices();
  logger.info(opts.consumingMessage);
}

/**
 * The app's Nest application with our AMQP transport connected, before anything starts. Throws
 * HandlerRegistrationError (after closing what it opened) when a declared subscription has no
 * handler or more than one, or a handler names a subscription the app does not declare.
 */
export async function createConsumerApp<C extends CommonConfig & { metricsPort: number; host: string }>(
  opts: Pick<ConsumerAppOptions<C>, 'module' | 'subscriptions' | 'prefetchFor'>,
  config: C,
  logger: Logger,
): Promise<{ app: INestApplication; transport: AmqpTransport }> {
  const app = await NestFactory.create(opts.module(config), new FastifyAdapter(), { logger: new PinoNestLogger(logger), abortOnError: false });
  const transport = new AmqpTransport(app.get(AmqpConnection), logger, {
    prefetchFor: (name) => opts.prefetchFor(name, config),
    subscriptions: opts.subscriptions,
  });
  app.connectMicroservice({ strategy: transport });
  try {
    transport.assertHandlers();
  } catch (err) {
    await app.close();
    throw err;
  }
  return { app, transport };
}
