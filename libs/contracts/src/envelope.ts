import { z } from 'zod';

/** SPEC §2: every message body is one JSON envelope. */
export const envelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  version: z.number().int().positive(),
  occurred_at: z.string().datetime({ offset: false }),
  correlation_id: z.string().min(1).max(200),
  data: z.unknown(),
});

/** The fields every envelope has besides `type` and `data`. */
export type EnvelopeHeader = Omit<z.infer<typeof envelopeSchema>, 'data' | 'type'>;

/**
 * An envelope with any type and data of type T: what the transport moves (publisher, RPC) and
 * tests build by hand. Application code uses `Envelope<K>` of the message catalogue (messages.ts).
 */
export type RawEnvelope<T = unknown> = EnvelopeHeader & { type: string; data: T };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Formats zod issues as one short line: `data.url: Required; version: Expected number`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses raw message bytes into an envelope whose data matches the schema for its type
 * (one schema, or a map by envelope type). Never throws.
 */
export function parseEnvelope<T>(raw: Buffer | string, schemas: z.ZodType<T> | Record<string, z.ZodType<T>>): ParseResult<RawEnvelope<T>> {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  const env = envelopeSchema.safeParse(json);
  if (!env.success) return { ok: false, error: `envelope: ${describeIssues(env.error)}` };
  const dataSchema = schemas instanceof z.ZodType ? schemas : Object.prototype.hasOwnProperty.call(schemas, env.data.type) ? schemas[env.data.type] : undefined;
  if (!dataSchema) return { ok: false, error: `unexpected message type ${JSON.stringify(env.data.type)}` };
  const data = dataSchema.safeParse(env.data.data);
  if (!data.success) return { ok: false, error: `data of ${env.data.type}: ${describeIssues(data.error)}` };
  return { ok: true, value: { ...env.data, data: data.data } };
}

export interface EnvelopeFactoryDeps {
  newId: () => string;
  now: () => Date;
}

export function makeEnvelope<T>(deps: EnvelopeFactoryDeps, type: string, data: T, correlationId: string, version = 1): RawEnvelope<T> {
  return { id: deps.newId(), type, version, occurred_at: deps.now().toISOString(), correlation_id: correlationId, data };
}
