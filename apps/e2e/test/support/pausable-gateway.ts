import { waitFor } from '@mda/testing';
import type { RunningApp } from './system';

/**
 * The gateway as its main.js starts it (its own startGateway), plus one test hook:
 * a line `pause <subscription>` on its stdin stops that consumer through the transport's own
 * pause(), and the process logs `test: consumer paused` with the subscription once the broker
 * has cancelled it. Lets a test decide, mid-run, that another replica applies every event.
 */
export const PAUSABLE_GATEWAY = `
const dist = process.env.MDA_DIST;
const readline = require('node:readline');
const { startGateway } = require(dist + '/apps/gateway/src/main.js');
const { loadGatewayConfig } = require(dist + '/apps/gateway/src/config/gateway-config.js');
(async () => {
  const { transport, logger } = await startGateway(loadGatewayConfig(process.env));
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
