import { z } from 'zod';
import { batchCompletedSchema } from './batches';
import {
  downloadCancelSchema,
  downloadCancelledSchema,
  downloadCompletedSchema,
  downloadFailedSchema,
  downloadProgressSchema,
  downloadRequestedSchema,
  downloadStartedSchema,
} from './downloads';
import { EnvelopeHeader, ParseResult, describeIssues, envelopeSchema } from './envelope';
import { downloadExpiredSchema, subscriptionCheckedSchema } from './library';
import { jobChangedSchema } from './job-changes';
import { JOB_STATUS_REPLY_TYPE, jobStatusQuerySchema, jobStatusReplySchema } from './job-queries';
import { EXCHANGES, ROUTING_KEYS } from './topology';
import { webhookAttemptedBatchSchema, webhookAttemptedSchema, webhookDeliverySchema } from './webhooks';
import { WORKER_QUERY_REPLY_TYPE, workerQueryReplySchema, workerQuerySchema } from './worker-queries';

/**
 * Replies of request/reply go through the default exchange straight to the caller's reply-to
 * (RabbitMQ direct reply-to): their routing key is the caller's, not the message type.
 */
export const REPLY_EXCHANGE = '' as const;

export interface MessageDefinition {
  /** Exchange every message of this type is published on. */
  exchange: string;
  /** Schema of the envelope's `data`: checked on receipt, and the type `publish` accepts. */
  schema: z.ZodTypeAny;
}

/**
 * Every message of SPEC §2, by type: its exchange and the schema of its data. The envelope's
 * `type` is the key; a message is published under its type as routing key unless it says
 * otherwise (`webhook.deliver` through the retry tiers, replies to a reply-to).
 *
 * Adding a message: one line here (and a binding in TOPOLOGY if a queue should get it, and its
 * key in the `keys` of the subscription that reads it).
 */
export const MESSAGES = {
  [ROUTING_KEYS.downloadRequested]: { exchange: EXCHANGES.commands, schema: downloadRequestedSchema },
  [ROUTING_KEYS.metadataRequested]: { exchange: EXCHANGES.commands, schema: workerQuerySchema },
  [ROUTING_KEYS.jobStatusRequested]: { exchange: EXCHANGES.commands, schema: jobStatusQuerySchema },
  [ROUTING_KEYS.downloadCancel]: { exchange: EXCHANGES.control, schema: downloadCancelSchema },
  [ROUTING_KEYS.downloadStarted]: { exchange: EXCHANGES.events, schema: downloadStartedSchema },
  [ROUTING_KEYS.downloadProgress]: { exchange: EXCHANGES.events, schema: downloadProgressSchema },
  [ROUTING_KEYS.downloadCompleted]: { exchange: EXCHANGES.events, schema: downloadCompletedSchema },
  [ROUTING_KEYS.downloadFailed]: { exchange: EXCHANGES.events, schema: downloadFailedSchema },
  [ROUTING_KEYS.downloadCancelled]: { exchange: EXCHANGES.events, schema: downloadCancelledSchema },
  [ROUTING_KEYS.batchCompleted]: { exchange: EXCHANGES.events, schema: batchCompletedSchema },
  [ROUTING_KEYS.downloadExpired]: { exchange: EXCHANGES.events, schema: downloadExpiredSchema },
  [ROUTING_KEYS.subscriptionChecked]: { exchange: EXCHANGES.events, schema: subscriptionCheckedSchema },
  [ROUTING_KEYS.jobChanged]: { exchange: EXCHANGES.events, schema: jobChangedSchema },
  [ROUTING_KEYS.webhookDeliver]: { exchange: EXCHANGES.webhooks, schema: webhookDeliverySchema },
  [ROUTING_KEYS.webhookDead]: { exchange: EXCHANGES.webhooks, schema: webhookDeliverySchema },
  [ROUTING_KEYS.webhookAttempted]: { exchange: EXCHANGES.webhooks, schema: webhookAttemptedSchema },
  [ROUTING_KEYS.webhookAttemptedBatch]: { exchange: EXCHANGES.webhooks, schema: webhookAttemptedBatchSchema },
  [JOB_STATUS_REPLY_TYPE]: { exchange: REPLY_EXCHANGE, schema: jobStatusReplySchema },
  [WORKER_QUERY_REPLY_TYPE]: { exchange: REPLY_EXCHANGE, schema: workerQueryReplySchema },
} as const satisfies Record<string, MessageDefinition>;

type Catalogue = typeof MESSAGES;

/** Every message type (= its routing key, except replies and the retry tiers). */
export type MessageKey = keyof Catalogue;
/** Types published on an exchange of the topology. */
export type PublishKey = { [K in MessageKey]: Catalogue[K]['exchange'] extends typeof REPLY_EXCHANGE ? never : K }[MessageKey];
/** Types sent as a reply to a caller's reply-to. */
export type ReplyKey = Exclude<MessageKey, PublishKey>;

/** The data of a message of type K as a consumer receives it (defaults applied). */
export type MessageData<K extends MessageKey> = z.output<Catalogue[K]['schema']>;
/** The data a publisher may send as K: whatever the consumer's schema accepts. */
export type MessageInput<K extends MessageKey> = z.input<Catalogue[K]['schema']>;

/**
 * The envelope of SPEC §2, discriminated on `type`: `Envelope<'download.started' | 'download.failed'>`
 * narrows `data` on `switch (env.type)`; `Envelope` alone is any message of the catalogue.
 */
export type Envelope<K extends MessageKey = MessageKey> = { [P in K]: EnvelopeHeader & { type: P; data: MessageData<P> } }[K];

/** A message before it is wrapped (type and data, correlated): what `EventPublisher.send` takes. */
export type Message<K extends MessageKey = MessageKey> = { [P in K]: { type: P; data: MessageInput<P> } }[K];

export function isMessageKey(type: string): type is MessageKey {
  return Object.prototype.hasOwnProperty.call(MESSAGES, type);
}

/** The exchange of a message type; a type not in the catalogue (only reachable past the types) throws. */
export function exchangeOf(key: MessageKey): string {
  if (!isMessageKey(key)) throw new Error(`unknown message type ${JSON.stringify(key)}: not in MESSAGES of @mda/contracts`);
  return MESSAGES[key].exchange;
}

/** The schemas of some message types by type (what a consumer validates against). */
export function schemasOf(keys: readonly MessageKey[]): Record<string, z.ZodTypeAny> {
  return Object.fromEntries(keys.map((k) => [k, MESSAGES[k].schema]));
}

/**
 * Parses raw message bytes into an envelope of one of `keys`, its data checked by that type's
 * schema. A type not in `keys` is an error. Never throws.
 */
export function parseMessage<K extends MessageKey>(raw: Buffer | string, keys: readonly K[]): ParseResult<Envelope<K>> {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  const env = envelopeSchema.safeParse(json);
  if (!env.success) return { ok: false, error: `envelope: ${describeIssues(env.error)}` };
  const type = keys.find((k) => k === env.data.type);
  if (type === undefined) return { ok: false, error: `unexpected message type ${JSON.stringify(env.data.type)}` };
  const data = MESSAGES[type].schema.safeParse(env.data.data);
  if (!data.success) return { ok: false, error: `data of ${type}: ${describeIssues(data.error)}` };
  return { ok: true, value: envelopeOf(type, env.data, data.data) };
}

/**
 * Pairs a type with its checked data. The one place where the catalogue's correlation of type
 * and schema output is asserted (zod parsed `data` with `MESSAGES[type].schema` just before).
 */
function envelopeOf<K extends MessageKey>(type: K, header: EnvelopeHeader, data: unknown): Envelope<K> {
  return { ...header, type, data } as unknown as Envelope<K>;
}

/** An envelope as a publisher builds it: its data is what the type's schema accepts (defaults not yet applied). */
export type OutgoingEnvelope<K extends MessageKey = MessageKey> = { [P in K]: EnvelopeHeader & { type: P; data: MessageInput<P> } }[K];
