import { SUBSCRIPTIONS } from '@mda/contracts';
import { ConsumerAppOptions } from '@mda/messaging';
import { SenderConfig, loadSenderConfig } from './config/sender-config';
import { SenderModule } from './sender.module';

/**
 * Both queues feed POSTs, at most WEBHOOK_CONCURRENCY of them at once (PostSlots). The intake holds
 * four times that many events: one waits behind its job's previous event (a job's started, progress
 * and completed often arrive together) or, after its POST, for its attempt record's confirm, and
 * neither may leave the POST slots idle. Measured (bench:webhooks, 4 events per job): with the
 * intake at WEBHOOK_CONCURRENCY, lanes and confirm waits held POSTs to a fraction of the slots.
 */
function prefetchFor(name: string, config: SenderConfig): number {
  if (name === SUBSCRIPTIONS.webhooksDeliver.name) return config.deliverPrefetch;
  if (name === SUBSCRIPTIONS.senderDownloadEvents.name) return config.deliverPrefetch * 4;
  return config.amqpPrefetch;
}

/** The subscriptions the sender consumes; each has exactly one handler (checked at start-up). */
export const SENDER_SUBSCRIPTIONS = [SUBSCRIPTIONS.senderDownloadEvents.name, SUBSCRIPTIONS.webhooksDeliver.name] as const;

/** How the sender runs (main.ts); its start-up test builds it from here too. */
export const SENDER_APP: ConsumerAppOptions<SenderConfig> = {
  subscriptions: SENDER_SUBSCRIPTIONS,
  service: 'webhook-sender',
  loadConfig: loadSenderConfig,
  module: (config) => SenderModule.forRoot(config),
  prefetchFor,
  readinessChecks: ({ config }) => ({ webhooks_enabled: config.enabled }),
  // an attempt in flight ends within its timeout; retries wait in the broker, not here
  drain: ({ transport, config }) => transport.stopAndDrain(Math.min(config.shutdownGraceSec, config.timeoutSec + 5) * 1000).then(() => undefined),
  startingFields: (config) => ({ enabled: config.enabled, max_retries: config.maxRetries, timeout_sec: config.timeoutSec }),
  consumingMessage: 'delivering webhooks',
};
