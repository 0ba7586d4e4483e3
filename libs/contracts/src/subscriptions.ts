import type { ZodTypeAny } from 'zod';
import { DownloadEventType } from './downloads';
import { Envelope, MessageKey, schemasOf } from './messages';
import { EXCHANGES, EXCLUSIVE_QUEUES, QUEUES, ROUTING_KEYS } from './topology';

/**
 * What each consumer reads and which message types it accepts. A handler names one of these
 * (`@HandleMessages(SUBSCRIPTIONS.downloaderJobs)`); anything else on the queue is malformed.
 */
export interface SubscriptionDefinition<K extends MessageKey = MessageKey> {
  name: string;
  queue?: string;
  exclusive?: { exchange: string; routingKeys: string[] };
  /** The message types this subscription accepts (their schemas come from MESSAGES). */
  keys: readonly K[];
  /** Schema of `data` by envelope type (derived from `keys`). */
  schemas: Record<string, ZodTypeAny>;
}

const DOWNLOAD_EVENT_KEYS = [
  ROUTING_KEYS.downloadStarted,
  ROUTING_KEYS.downloadProgress,
  ROUTING_KEYS.downloadCompleted,
  ROUTING_KEYS.downloadFailed,
  ROUTING_KEYS.downloadCancelled,
] as const satisfies readonly DownloadEventType[];

function subscription<const K extends MessageKey, S extends Omit<SubscriptionDefinition<K>, 'schemas' | 'keys'>>(def: S & { keys: readonly K[] }) {
  return { ...def, schemas: schemasOf(def.keys) };
}

export const SUBSCRIPTIONS = {
  downloaderJobs: subscription({
    name: QUEUES.downloaderJobs,
    queue: QUEUES.downloaderJobs,
    keys: [ROUTING_KEYS.downloadRequested],
  }),
  workerControl: subscription({
    name: EXCLUSIVE_QUEUES.workerControl,
    exclusive: { exchange: EXCHANGES.control, routingKeys: [ROUTING_KEYS.downloadCancel] },
    keys: [ROUTING_KEYS.downloadCancel],
  }),
  workerQueries: subscription({
    name: QUEUES.downloaderMetadata,
    queue: QUEUES.downloaderMetadata,
    keys: [ROUTING_KEYS.metadataRequested],
  }),
  gatewayJobQueries: subscription({
    name: QUEUES.gatewayJobQueries,
    queue: QUEUES.gatewayJobQueries,
    keys: [ROUTING_KEYS.jobStatusRequested],
  }),
  gatewayDownloadEvents: subscription({
    name: QUEUES.gatewayDownloadEvents,
    queue: QUEUES.gatewayDownloadEvents,
    // download.expired arrives through download.#: the gateway published it and ignores it
    keys: [...DOWNLOAD_EVENT_KEYS, ROUTING_KEYS.downloadExpired],
  }),
  senderDownloadEvents: subscription({
    name: QUEUES.senderDownloadEvents,
    queue: QUEUES.senderDownloadEvents,
    keys: [...DOWNLOAD_EVENT_KEYS, ROUTING_KEYS.batchCompleted, ROUTING_KEYS.downloadExpired, ROUTING_KEYS.subscriptionChecked],
  }),
  webhooksDeliver: subscription({
    name: QUEUES.webhooksDeliver,
    queue: QUEUES.webhooksDeliver,
    keys: [ROUTING_KEYS.webhookDeliver],
  }),
  gatewayJobChanges: subscription({
    name: EXCLUSIVE_QUEUES.gatewayJobChanges,
    // every replica, not one of them: each has event streams to feed
    exclusive: { exchange: EXCHANGES.events, routingKeys: [ROUTING_KEYS.jobChanged] },
    keys: [ROUTING_KEYS.jobChanged],
  }),
  gatewayWebhookAttempts: subscription({
    name: QUEUES.gatewayWebhookAttempts,
    queue: QUEUES.gatewayWebhookAttempts,
    // single records from a sender of before the batches (a rolling upgrade), batches from the current one
    keys: [ROUTING_KEYS.webhookAttempted, ROUTING_KEYS.webhookAttemptedBatch],
  }),
} satisfies Record<string, SubscriptionDefinition>;

/** The envelope a handler of subscription S receives: a union of its message types, discriminated on `type`. */
export type SubscriptionEnvelope<S extends Pick<SubscriptionDefinition, 'keys'>> = Envelope<S['keys'][number]>;

/** The name of every subscription of the contracts (`downloader.jobs`, …). */
export type SubscriptionName = (typeof SUBSCRIPTIONS)[keyof typeof SUBSCRIPTIONS]['name'];

const byName = new Map<string, SubscriptionDefinition>(Object.values(SUBSCRIPTIONS).map((s) => [s.name, s]));

export function subscriptionByName(name: string): SubscriptionDefinition | undefined {
  return byName.get(name);
}
