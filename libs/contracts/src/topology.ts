/**
 * The broker topology of SPEC §2, defined once. Every app asserts exactly this
 * (same arguments everywhere, so re-declaring is idempotent).
 */
export const EXCHANGES = {
  commands: 'downloads.commands',
  control: 'downloads.control',
  events: 'downloads.events',
  webhooks: 'webhooks',
  deadLetters: 'dead-letters',
} as const;

export const ROUTING_KEYS = {
  downloadRequested: 'download.requested',
  metadataRequested: 'metadata.requested',
  jobStatusRequested: 'job.status.requested',
  downloadCancel: 'download.cancel',
  downloadStarted: 'download.started',
  downloadProgress: 'download.progress',
  downloadCompleted: 'download.completed',
  downloadFailed: 'download.failed',
  downloadCancelled: 'download.cancelled',
  allDownloadEvents: 'download.#',
  webhookDeliver: 'webhook.deliver',
  webhookDead: 'webhook.dead',
  webhookAttempted: 'webhook.attempted',
  /** Many attempt records in one message (the sender batches them: one broker message, one confirm, one transaction). */
  webhookAttemptedBatch: 'webhook.attempted.batch',
  batchCompleted: 'batch.completed',
  downloadExpired: 'download.expired',
  subscriptionChecked: 'subscription.checked',
  jobChanged: 'job.changed',
} as const;

/** Routing key of retry tier n (1-based): `webhook.retry.<n>`. */
export function webhookRetryRoutingKey(tier: number): string {
  return `webhook.retry.${tier}`;
}

/** Delay of retry tier n (1-based) in seconds: 1, 2, 4 … 512. */
export function retryTierDelaySec(tier: number): number {
  return 2 ** (tier - 1);
}

/** Queue name of retry tier n: `webhooks.retry.<delay>s`. */
export function retryTierQueue(tier: number): string {
  return `webhooks.retry.${retryTierDelaySec(tier)}s`;
}

/**
 * The `tier` label of retry tier n in metrics (`mda_webhook_retries_total{tier}`): the suffix of its
 * queue name, `<delay>s`, so a series reads as the queue it fills (tier="4s" -> webhooks.retry.4s).
 * The routing key counts tiers (webhook.retry.3); queue and routing key names are SPEC §2.
 */
export function retryTierLabel(tier: number): string {
  return `${retryTierDelaySec(tier)}s`;
}

export const MAX_RETRY_TIERS = 10;

export const QUEUES = {
  downloaderJobs: 'downloader.jobs',
  downloaderMetadata: 'downloader.metadata',
  gatewayJobQueries: 'gateway.job-queries',
  gatewayDownloadEvents: 'gateway.download-events',
  senderDownloadEvents: 'webhook-sender.download-events',
  webhooksDeliver: 'webhooks.deliver',
  webhooksDead: 'webhooks.dead',
  gatewayWebhookAttempts: 'gateway.webhook-attempts',
} as const;

/**
 * Per-process queues (exclusive, auto-delete, server-named): this name stands for all of them in
 * logs and metrics and names their dead-letter queue.
 */
export const EXCLUSIVE_QUEUES = {
  workerControl: 'downloader.control',
  /** Each gateway replica's copy of every `job.changed`, for its event streams. */
  gatewayJobChanges: 'gateway.job-changes',
} as const;

/** Queue where a malformed or poisoned message from `queue` ends up. */
export function deadLetterQueueOf(queue: string): string {
  return queue === QUEUES.webhooksDeliver ? QUEUES.webhooksDead : `${queue}.dead`;
}

export type ExchangeType = 'topic' | 'direct' | 'fanout';

export interface ExchangeDefinition {
  name: string;
  type: ExchangeType;
}

export interface QueueDefinition {
  name: string;
  arguments: Record<string, unknown>;
}

export interface BindingDefinition {
  queue: string;
  exchange: string;
  routingKey: string;
}

export interface Topology {
  exchanges: ExchangeDefinition[];
  queues: QueueDefinition[];
  bindings: BindingDefinition[];
}

const QUORUM_DEAD_LETTERING = {
  'x-queue-type': 'quorum',
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
};

function classicWithDeadLetters(name: string): QueueDefinition {
  return {
    name,
    arguments: { 'x-dead-letter-exchange': EXCHANGES.deadLetters, 'x-dead-letter-routing-key': deadLetterQueueOf(name) },
  };
}

function retryTier(tier: number): QueueDefinition {
  return {
    name: retryTierQueue(tier),
    arguments: {
      ...QUORUM_DEAD_LETTERING,
      'x-message-ttl': retryTierDelaySec(tier) * 1000,
      'x-dead-letter-exchange': EXCHANGES.webhooks,
      'x-dead-letter-routing-key': ROUTING_KEYS.webhookDeliver,
    },
  };
}

/**
 * Arguments of a per-process queue of `name` (EXCLUSIVE_QUEUES): its rejects go to its dead-letter
 * queue, like every other consumer's. The only definition of them; the consumer that declares the
 * queue takes them from here.
 */
export function exclusiveQueueArguments(name: string): Record<string, unknown> {
  return { 'x-dead-letter-exchange': EXCHANGES.deadLetters, 'x-dead-letter-routing-key': deadLetterQueueOf(name) };
}

const tiers = Array.from({ length: MAX_RETRY_TIERS }, (_, i) => i + 1);
const dlqSources = [
  QUEUES.downloaderJobs,
  QUEUES.downloaderMetadata,
  QUEUES.gatewayJobQueries,
  QUEUES.gatewayDownloadEvents,
  QUEUES.senderDownloadEvents,
  QUEUES.gatewayWebhookAttempts,
  EXCLUSIVE_QUEUES.workerControl,
  EXCLUSIVE_QUEUES.gatewayJobChanges,
];

export const TOPOLOGY: Topology = {
  exchanges: [
    { name: EXCHANGES.commands, type: 'topic' },
    { name: EXCHANGES.control, type: 'topic' },
    { name: EXCHANGES.events, type: 'topic' },
    { name: EXCHANGES.webhooks, type: 'topic' },
    { name: EXCHANGES.deadLetters, type: 'direct' },
  ],
  queues: [
    {
      name: QUEUES.downloaderJobs,
      arguments: {
        ...QUORUM_DEAD_LETTERING,
        'x-dead-letter-exchange': EXCHANGES.deadLetters,
        'x-dead-letter-routing-key': deadLetterQueueOf(QUEUES.downloaderJobs),
        // a job that kills its worker every time is parked, not retried forever
        'x-delivery-limit': 10,
      },
    },
    classicWithDeadLetters(QUEUES.downloaderMetadata),
    classicWithDeadLetters(QUEUES.gatewayJobQueries),
    classicWithDeadLetters(QUEUES.gatewayDownloadEvents),
    classicWithDeadLetters(QUEUES.senderDownloadEvents),
    classicWithDeadLetters(QUEUES.gatewayWebhookAttempts),
    {
      name: QUEUES.webhooksDeliver,
      arguments: {
        ...QUORUM_DEAD_LETTERING,
        'x-dead-letter-exchange': EXCHANGES.webhooks,
        'x-dead-letter-routing-key': ROUTING_KEYS.webhookDead,
      },
    },
    ...tiers.map(retryTier),
    { name: QUEUES.webhooksDead, arguments: { 'x-queue-type': 'quorum' } },
    ...dlqSources.map((q) => ({ name: deadLetterQueueOf(q), arguments: {} })),
  ],
  bindings: [
    { queue: QUEUES.downloaderJobs, exchange: EXCHANGES.commands, routingKey: ROUTING_KEYS.downloadRequested },
    { queue: QUEUES.downloaderMetadata, exchange: EXCHANGES.commands, routingKey: ROUTING_KEYS.metadataRequested },
    { queue: QUEUES.gatewayJobQueries, exchange: EXCHANGES.commands, routingKey: ROUTING_KEYS.jobStatusRequested },
    { queue: QUEUES.gatewayDownloadEvents, exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.allDownloadEvents },
    { queue: QUEUES.senderDownloadEvents, exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.allDownloadEvents },
    // the gateway publishes one batch.completed per batch; only the sender needs it (webhooks)
    { queue: QUEUES.senderDownloadEvents, exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.batchCompleted },
    // download.expired reaches both queues through download.#; subscription.checked only the sender
    { queue: QUEUES.senderDownloadEvents, exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.subscriptionChecked },
    { queue: QUEUES.webhooksDeliver, exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookDeliver },
    ...tiers.map((t) => ({ queue: retryTierQueue(t), exchange: EXCHANGES.webhooks, routingKey: webhookRetryRoutingKey(t) })),
    { queue: QUEUES.webhooksDead, exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookDead },
    { queue: QUEUES.gatewayWebhookAttempts, exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookAttempted },
    { queue: QUEUES.gatewayWebhookAttempts, exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookAttemptedBatch },
    ...dlqSources.map((q) => ({ queue: deadLetterQueueOf(q), exchange: EXCHANGES.deadLetters, routingKey: deadLetterQueueOf(q) })),
  ],
};
