import { waitFor } from '@mda/testing';
import type { RunningApp } from './system';

/**
 * The gateway as its main.js starts it (same wiring, same graceful SIGTERM), plus one test hook:
 * a line `pause <subscription>` on its stdin stops that consumer through the transport's own
 * pause(), and the process logs `test: consumer paused` with the subscription once the broker
 * has cancelled it. Lets a test decide, mid-run, that another replica applies every event.
 */
export const PAUSABLE_GATEWAY = `
const dist = process.env.MDA_DIST;
const readline = require('node:readline');
const { createGateway } = require(dist + '/apps/gateway/src/main.js');
const { loadGatewayConfig } = require(dist + '/apps/gateway/src/config/gateway-config.js');
const { ShutdownState } = require(dist + '/apps/gateway/src/health/shutdown-state.js');
const obs = require(dist + '/libs/observability/src/index.js');
(async () => {
  const config = loadGatewayConfig(process.env);
  const logger = obs.createLogger('gateway', config.logLevel);
  obs.logProcessWarnings(logger);
  obs.collectProcessMetrics();
  obs.initialiseMetrics('gateway');
  const { app, transport } = await createGateway(config, logger);
  await app.listen(config.port, config.host);
  logger.info({ port: config.port, host: config.host }, 'gateway listening');
  obs.onShutdownSignal(logger, {
    drain: async () => {
      app.get(ShutdownState).draining = true;
      await transport.stopAndDrain(config.shutdownGraceSec * 1000);
    },
    close: () => app.close(),
  });
  await app.startAllMicroservices();
  logger.info('consuming download events');
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, subscription] = line.trim().split(/\\s+/);
    if (command !== 'pause' || !subscription) return logger.error({ line }, 'test: unknown command');
    transport.pause(subscription).then(
      () => logger.info({ subscription }, 'test: consumer paused'),
      (err) => logger.error({ subscription, err: err.message }, 'test: pause failed'),
    );
  });
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** Pauses these subscriptions' consumers in a gateway started with PAUSABLE_GATEWAY; resolves once each is cancelled. */
export async function pauseConsumers(gateway: RunningApp, subscriptions: string[]): Promise<void> {
  const stdin = gateway.child.stdin;
  if (!stdin) throw new Error('this gateway was not started with PAUSABLE_GATEWAY (no stdin to send commands to)');
  for (const name of subscriptions) stdin.write(`pause ${name}\n`);
  const paused = (name: string) => gateway.output.some((l) => l.includes('test: consumer paused') && l.includes(`"subscription":"${name}"`));
  await waitFor(
    () => {
      if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) throw new Error(`gateway exited: ${gateway.output.slice(-20).join('\n')}`);
      const failed = gateway.output.find((l) => l.includes('test: pause failed') || l.includes('test: unknown command'));
      if (failed) throw new Error(failed);
      return subscriptions.every(paused);
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `gateway consumers paused: ${subscriptions.join(', ')}` },
  );
}
