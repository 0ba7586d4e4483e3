import type { ZodTypeAny } from 'zod';
import { batchCompletedSchema } from './batches';
import { downloadExpiredSchema, subscriptionCheckedSchema } from './library';
import { DOWNLOAD_EVENT_SCHEMAS, downloadCancelSchema, downloadRequestedSchema } from './downloads';
import { EXCHANGES, EXCLUSIVE_QUEUES, QUEUES, ROUTING_KEYS } from './topology';
import { webhookAttemptedSchema, webhookDeliverySchema } from './webhooks';
import { workerQuerySchema } from './worker-queries';
import { jobStatusQuerySchema } from './job-queries';

/**
 * What each consumer reads and which message types it accepts. A handler names one of these
 * (`@EventPattern(SUBSCRIPTIONS.downloaderJobs.name)`); anything else on the queue is malformed.
 */
export interface SubscriptionDefinition {
  name: string;
  queue?: string;
  exclusive?: { exchange: string; routingKeys: string[] };
  schemas: Record<string, ZodTypeAny>;
}

export const SUBSCRIPTIONS = {
  downloaderJobs: {
    name: QUEUES.downloaderJobs,
    queue: QUEUES.downloaderJobs,
    schemas: { [ROUTING_KEYS.downloadRequested]: downloadRequestedSchema },
  },
  workerControl: {
    name: EXCLUSIVE_QUEUES.workerControl,
    exclusive: { exchange: EXCHANGES.control, routingKeys: [ROUTING_KEYS.downloadCancel] },
    schemas: { [ROUTING_KEYS.downloadCancel]: downloadCancelSchema },
  },
  workerQueries: {
    name: QUEUES.downloaderMetadata,
    queue: QUEUES.downloaderMetadata,
    schemas: { [ROUTING_KEYS.metadataRequested]: workerQuerySchema },
  },
  gatewayJobQueries: {
    name: QUEUES.gatewayJobQueries,
    queue: QUEUES.gatewayJobQueries,
    schemas: { [ROUTING_KEYS.jobStatusRequested]: jobStatusQuerySchema },
  },
  gatewayDownloadEvents: {
    name: QUEUES.gatewayDownloadEvents,
    queue: QUEUES.gatewayDownloadEvents,
    // download.expired arrives through download.#: the gateway published it and ignores it
    schemas: { ...DOWNLOAD_EVENT_SCHEMAS, [ROUTING_KEYS.downloadExpired]: downloadExpiredSchema },
  },
  senderDownloadEvents: {
    name: QUEUES.senderDownloadEvents,
    queue: QUEUES.senderDownloadEvents,
    schemas: {
      ...DOWNLOAD_EVENT_SCHEMAS,
      [ROUTING_KEYS.batchCompleted]: batchCompletedSchema,
      [ROUTING_KEYS.downloadExpired]: downloadExpiredSchema,
      [ROUTING_KEYS.subscriptionChecked]: subscriptionCheckedSchema,
    },
  },
  webhooksDeliver: {
    name: QUEUES.webhooksDeliver,
    queue: QUEUES.webhooksDeliver,
    schemas: { [ROUTING_KEYS.webhookDeliver]: webhookDeliverySchema },
  },
  gatewayWebhookAttempts: {
    name: QUEUES.gatewayWebhookAttempts,
    queue: QUEUES.gatewayWebhookAttempts,
    schemas: { [ROUTING_KEYS.webhookAttempted]: webhookAttemptedSchema },
  },
} satisfies Record<string, SubscriptionDefinition>;

const byName = new Map<string, SubscriptionDefinition>(Object.values(SUBSCRIPTIONS).map((s) => [s.name, s]));

export function subscriptionByName(name: string): SubscriptionDefinition | undefined {
  return byName.get(name);
}
