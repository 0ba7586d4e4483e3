/**
 * The metric catalogue: every metric the apps export, defined once. The code registers metrics
 * from here, the apps initialise the label sets listed here to 0 at start (a labelled counter
 * appears only after its first increment otherwise, and Prometheus never sees the first
 * events), and the dashboard and alert tests check their queries against it.
 */
import { EXCHANGES, EXCLUSIVE_QUEUES, MAX_RETRY_TIERS, QUEUES, ROUTING_KEYS, retryTierLabel, webhookRetryRoutingKey } from './topology';
import { ATTEMPT_OUTCOMES, WEBHOOK_EVENTS } from './webhooks';

export type MetricApp = 'gateway' | 'downloader-worker' | 'webhook-sender';
export const METRIC_APPS: readonly MetricApp[] = ['gateway', 'downloader-worker', 'webhook-sender'];
export type MetricType = 'counter' | 'gauge' | 'histogram';
export type LabelSet = Record<string, string>;

export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** The apps that export it. */
  apps: readonly MetricApp[];
  buckets?: readonly number[];
  /** Label sets set to 0 at start, per app (labelled metrics only). */
  initial?: (app: MetricApp) => LabelSet[];
}

/** The `exchange` label of the default exchange (its name is the empty string). */
export const DEFAULT_EXCHANGE_LABEL = 'amq.default';
/** The `routing_key` label of every RPC reply: reply-to addresses are per channel and unbounded. */
export const RPC_REPLY_ROUTING_LABEL = 'rpc_reply';
/** Outcomes of a finished job (`mda_jobs_total{outcome}`). */
export const JOB_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
/** What a consumer did with a message (`mda_messages_consumed_total{outcome}`). */
export const CONSUME_OUTCOMES = ['ack', 'requeue', 'dead'] as const;
export const PUBLISH_RESULTS = ['confirmed', 'failed'] as const;
export const RPC_RESULTS = ['replied', 'timeout', 'publish_failed'] as const;
/** The per-client-address limits of the gateway (`mda_http_address_rate_limited_total{limit}`). */
export const ADDRESS_LIMITS = ['auth_failures', 'files'] as const;
/** Why the worker's egress proxy refused a connection: the address range (`mda_egress_refused_total{reason}`). */
export const EGRESS_REFUSAL_REASONS = [
  'loopback',
  'private',
  'linkLocal',
  'uniqueLocal',
  'unspecified',
  'broadcast',
  'carrierGradeNat',
  'multicast',
  'reserved',
  'unparseable',
  'other',
] as const;
/** Why the sender parked a delivery instead of attempting it (`mda_webhook_deferrals_total{reason}`). */
export const DEFERRAL_REASONS = ['host_busy', 'job_order'] as const;
/** How a subscription check ended (`mda_subscription_checks_total{outcome}`). */
export const SUBSCRIPTION_CHECK_OUTCOMES = ['ok', 'failed'] as const;

/** The (exchange, routing key) pairs each app publishes, as metric labels. */
export const PUBLICATIONS: Record<MetricApp, ReadonlyArray<{ exchange: string; routingKey: string }>> = {
  gateway: [
    { exchange: EXCHANGES.commands, routingKey: ROUTING_KEYS.downloadRequested },
    { exchange: EXCHANGES.control, routingKey: ROUTING_KEYS.downloadCancel },
    { exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookDeliver },
    { exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.batchCompleted },
    { exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.downloadExpired },
    { exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.subscriptionChecked },
    { exchange: EXCHANGES.events, routingKey: ROUTING_KEYS.jobChanged },
    { exchange: DEFAULT_EXCHANGE_LABEL, routingKey: RPC_REPLY_ROUTING_LABEL },
  ],
  'downloader-worker': [
    ...[
      ROUTING_KEYS.downloadStarted,
      ROUTING_KEYS.downloadProgress,
      ROUTING_KEYS.downloadCompleted,
      ROUTING_KEYS.downloadFailed,
      ROUTING_KEYS.downloadCancelled,
    ].map((routingKey) => ({ exchange: EXCHANGES.events, routingKey })),
    { exchange: DEFAULT_EXCHANGE_LABEL, routingKey: RPC_REPLY_ROUTING_LABEL },
  ],
  'webhook-sender': [
    ...Array.from({ length: MAX_RETRY_TIERS }, (_, i) => ({ exchange: EXCHANGES.webhooks, routingKey: webhookRetryRoutingKey(i + 1) })),
    { exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookDead },
    { exchange: EXCHANGES.webhooks, routingKey: ROUTING_KEYS.webhookAttemptedBatch },
  ],
};

/** The `queue` label of each app's consumers (a named queue, or the subscription name of an exclusive one). */
export const CONSUMED_QUEUES: Record<MetricApp, readonly string[]> = {
  gateway: [QUEUES.gatewayJobQueries, QUEUES.gatewayDownloadEvents, QUEUES.gatewayWebhookAttempts, EXCLUSIVE_QUEUES.gatewayJobChanges],
  'downloader-worker': [QUEUES.downloaderJobs, 'downloader.control', QUEUES.downloaderMetadata],
  'webhook-sender': [QUEUES.senderDownloadEvents, QUEUES.webhooksDeliver],
};

/** The routing keys each app calls over RPC. */
export const RPC_CALLS: Record<MetricApp, readonly string[]> = {
  gateway: [ROUTING_KEYS.metadataRequested],
  'downloader-worker': [ROUTING_KEYS.jobStatusRequested],
  'webhook-sender': [],
};

/** The `exchange` and `routing_key` labels of a publish: the default exchange and reply-to addresses map to one value each. */
export function publishLabels(exchange: string, routingKey: string): { exchange: string; routing_key: string } {
  if (exchange === '') return { exchange: DEFAULT_EXCHANGE_LABEL, routing_key: routingKey.startsWith('amq.') ? RPC_REPLY_ROUTING_LABEL : routingKey };
  return { exchange, routing_key: routingKey };
}

/** Every combination of the given label values. */
export function labelProduct(values: Record<string, readonly string[]>): LabelSet[] {
  return Object.entries(values).reduce<LabelSet[]>((sets, [label, vals]) => sets.flatMap((s) => vals.map((v) => ({ ...s, [label]: v }))), [{}]);
}

const ALL = METRIC_APPS;
const tierLabels = Array.from({ length: MAX_RETRY_TIERS }, (_, i) => retryTierLabel(i + 1));

export const METRICS = {
  httpRequests: {
    name: 'mda_http_requests_total',
    type: 'counter',
    help: 'HTTP requests answered, by method, route pattern and status',
    labels: ['method', 'route', 'status'],
    apps: ['gateway'],
    // every route is added at start with 200 and 500 by the gateway (it knows its routes)
    initial: () => [{ method: 'GET', route: 'unmatched', status: '404' }],
  },
  httpDuration: {
    name: 'mda_http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration, by method, route pattern and status class',
    labels: ['method', 'route', 'status_class'],
    apps: ['gateway'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  httpRateLimited: {
    name: 'mda_http_rate_limited_total',
    type: 'counter',
    help: 'Requests refused with 429 by the per-key rate limit',
    labels: [],
    apps: ['gateway'],
  },
  httpAddressRateLimited: {
    name: 'mda_http_address_rate_limited_total',
    type: 'counter',
    help: 'Requests refused with 429 by a per-client-address limit',
    labels: ['limit'],
    apps: ['gateway'],
    initial: () => labelProduct({ limit: ADDRESS_LIMITS }),
  },
  httpQueriesRefused: {
    name: 'mda_http_queries_refused_total',
    type: 'counter',
    help: 'Metadata and listing queries refused with 429: their API key had too many in flight on this gateway',
    labels: [],
    apps: ['gateway'],
  },
  workerQueriesRefused: {
    name: 'mda_worker_queries_refused_total',
    type: 'counter',
    help: 'Queries refused at once because their API key already held its share of the query slots',
    labels: [],
    apps: ['downloader-worker'],
  },
  egressRefused: {
    name: 'mda_egress_refused_total',
    type: 'counter',
    help: 'Connections the egress proxy refused, by address range',
    labels: ['reason'],
    apps: ['downloader-worker'],
    initial: () => labelProduct({ reason: EGRESS_REFUSAL_REASONS }),
  },
  jobs: {
    name: 'mda_jobs_total',
    type: 'counter',
    help: 'Finished download jobs by outcome',
    labels: ['outcome'],
    apps: ['downloader-worker'],
    initial: () => labelProduct({ outcome: JOB_OUTCOMES }),
  },
  jobFailures: {
    name: 'mda_job_failures_total',
    type: 'counter',
    help: 'Failed download jobs by error code',
    labels: ['error_code'],
    apps: ['downloader-worker'],
    // the worker adds every error code it knows at start
    initial: () => [{ error_code: 'storage_error' }, { error_code: 'internal_error' }],
  },
  activeDownloads: { name: 'mda_active_downloads', type: 'gauge', help: 'Downloads running on this worker', labels: [], apps: ['downloader-worker'] },
  downloadDuration: {
    name: 'mda_download_duration_seconds',
    type: 'histogram',
    help: 'Download duration, by outcome',
    labels: ['outcome'],
    apps: ['downloader-worker'],
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
    initial: () => labelProduct({ outcome: JOB_OUTCOMES }),
  },
  downloadBytes: { name: 'mda_download_bytes_total', type: 'counter', help: 'Bytes of completed downloads', labels: [], apps: ['downloader-worker'] },
  storeWritable: {
    name: 'mda_store_writable',
    type: 'gauge',
    help: 'Whether the media store is usable (1) or not (0); the worker stops consuming jobs while it is not',
    labels: [],
    apps: ['downloader-worker'],
  },
  toolInfo: {
    name: 'mda_tool_info',
    type: 'gauge',
    help: 'The yt-dlp and ffmpeg this worker runs: 1 per tool, its version as a label ("unavailable" when it does not start)',
    labels: ['tool', 'version'],
    apps: ['downloader-worker'],
  },
  webhookAttempts: {
    name: 'mda_webhook_attempts_total',
    type: 'counter',
    help: 'Webhook attempts by event and outcome',
    labels: ['event', 'outcome'],
    apps: ['webhook-sender'],
    initial: () => labelProduct({ event: WEBHOOK_EVENTS, outcome: ATTEMPT_OUTCOMES }),
  },
  webhookRetries: {
    name: 'mda_webhook_retries_total',
    type: 'counter',
    help: 'Retries scheduled, by tier: its queue webhooks.retry.<tier> (tier="4s" is webhooks.retry.4s)',
    labels: ['tier'],
    apps: ['webhook-sender'],
    initial: () => labelProduct({ tier: tierLabels }),
  },
  webhookDeferrals: {
    name: 'mda_webhook_deferrals_total',
    type: 'counter',
    help: 'Deliveries parked in the 1 s tier without an attempt: their receiver host was at its cap, or an earlier event of the job was parked',
    labels: ['reason'],
    apps: ['webhook-sender'],
    initial: () => labelProduct({ reason: DEFERRAL_REASONS }),
  },
  webhookDeadLetters: {
    name: 'mda_webhook_dead_letters_total',
    type: 'counter',
    help: 'Deliveries given up and dead-lettered',
    labels: [],
    apps: ['webhook-sender'],
  },
  webhookLatency: {
    name: 'mda_webhook_delivery_latency_seconds',
    type: 'histogram',
    help: 'From event creation to successful delivery',
    labels: ['event'],
    apps: ['webhook-sender'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    initial: () => labelProduct({ event: WEBHOOK_EVENTS }),
  },
  messagesPublished: {
    name: 'mda_messages_published_total',
    type: 'counter',
    help: 'Messages published with a broker confirm',
    labels: ['exchange', 'routing_key', 'result'],
    apps: ALL,
    initial: (app) => PUBLICATIONS[app].flatMap((p) => PUBLISH_RESULTS.map((result) => ({ exchange: p.exchange, routing_key: p.routingKey, result }))),
  },
  messagesConsumed: {
    name: 'mda_messages_consumed_total',
    type: 'counter',
    help: 'Messages consumed, by queue and outcome',
    labels: ['queue', 'outcome'],
    apps: ALL,
    initial: (app) => labelProduct({ queue: CONSUMED_QUEUES[app], outcome: CONSUME_OUTCOMES }),
  },
  messagesRejected: {
    name: 'mda_messages_rejected_total',
    type: 'counter',
    help: 'Malformed messages dead-lettered on receipt',
    labels: ['queue'],
    apps: ALL,
    initial: (app) => labelProduct({ queue: CONSUMED_QUEUES[app] }),
  },
  messagesInFlight: {
    name: 'mda_messages_in_flight',
    type: 'gauge',
    help: 'Messages being handled now',
    labels: ['queue'],
    apps: ALL,
    initial: (app) => labelProduct({ queue: CONSUMED_QUEUES[app] }),
  },
  rpcRequests: {
    name: 'mda_rpc_requests_total',
    type: 'counter',
    help: 'Request/reply calls over the broker, by routing key and result',
    labels: ['routing_key', 'result'],
    apps: ['gateway', 'downloader-worker'],
    initial: (app) => labelProduct({ routing_key: RPC_CALLS[app], result: RPC_RESULTS }),
  },
  subscriptionChecks: {
    name: 'mda_subscription_checks_total',
    type: 'counter',
    help: 'Subscription checks run (scheduled, manual and at creation), by outcome',
    labels: ['outcome'],
    apps: ['gateway'],
    initial: () => labelProduct({ outcome: SUBSCRIPTION_CHECK_OUTCOMES }),
  },
  subscriptionNewItems: {
    name: 'mda_subscription_new_items_total',
    type: 'counter',
    help: 'New items subscription checks queued for download',
    labels: [],
    apps: ['gateway'],
  },
  subscriptionCheckLag: {
    name: 'mda_subscription_check_lag_seconds',
    type: 'histogram',
    help: 'How late a scheduled subscription check started after its due time',
    labels: [],
    apps: ['gateway'],
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  },
  filesExpired: {
    name: 'mda_files_expired_total',
    type: 'counter',
    help: 'Stored files removed because their retention ran out',
    labels: [],
    apps: ['gateway'],
  },
  retentionBytesFreed: { name: 'mda_retention_freed_bytes_total', type: 'counter', help: 'Bytes freed by expired retention', labels: [], apps: ['gateway'] },
  storageUsed: {
    name: 'mda_storage_used_bytes',
    type: 'gauge',
    help: 'Bytes of stored files per API key (the key fingerprint), as the job store records them',
    labels: ['key'],
    apps: ['gateway'],
  },
  brokerConnected: { name: 'mda_broker_connected', type: 'gauge', help: 'Whether the RabbitMQ connection is up (1) or down (0)', labels: [], apps: ALL },
} as const satisfies Record<string, MetricDefinition>;

export const METRIC_CATALOGUE: readonly MetricDefinition[] = Object.values(METRICS);
