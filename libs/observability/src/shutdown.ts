import type { Logger } from 'pino';
import { errorFields } from './nest-logger';

/**
 * On SIGTERM/SIGINT: stop taking work, let in-flight work finish (or be requeued) within the
 * grace period, close connections, exit 0. A second signal exits at once.
 */
export function onShutdownSignal(logger: Logger, steps: { drain: () => Promise<unknown>; close: () => Promise<unknown> }): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new work, finishing what is in flight');
    void (async () => {
      try {
        await steps.drain();
        await steps.close();
        logger.info('shut down cleanly');
        process.exit(0);
      } catch (err) {
        logger.error({ err: errorFields(err) }, 'error during shutdown');
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
