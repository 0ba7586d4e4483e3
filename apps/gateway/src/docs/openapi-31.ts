import type { OpenAPIObject } from '@nestjs/swagger';
import { WEBHOOK_DESCRIPTIONS, WEBHOOK_EXAMPLES, WEBHOOK_SCHEMA_NAMES } from './webhook-models';

type Json = Record<string, unknown>;

/**
 * @nestjs/swagger 11 writes OpenAPI 3.0. This is the one place that turns its document into 3.1:
 * the version field, `nullable: true` into type arrays (or `anyOf` with `null` around a `$ref`),
 * and the webhook events as 3.1 `webhooks`.
 */
export function toOpenApi31(doc: OpenAPIObject): Json {
  const out = convert(structuredClone(doc)) as Json;
  out['openapi'] = '3.1.0';
  out['webhooks'] = webhooks();
  const components = (out['components'] ??= {}) as Json;
  const schemes = (components['securitySchemes'] ??= {}) as Json;
  schemes['webhook_signature'] = {
    type: 'apiKey',
    in: 'header',
    name: 'X-Webhook-Signature',
    description:
      'Webhooks are signed by this server with the API key that created the job: check X-Webhook-Signature (sha256=<hex HMAC of the body>) or the Standard Webhooks headers.',
  };
  return out;
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const o: Json = {};
  for (const [k, v] of Object.entries(node as Json)) o[k] = convert(v);
  if (o['nullable'] === true) {
    delete o['nullable'];
    if (o['$ref'] || o['allOf'] || o['oneOf'] || o['anyOf']) {
      // Nest writes a nullable model as { type: 'object', nullable: true, allOf: [{ $ref }] }
      const { description, example, type: _type, ...schema } = o;
      const inner =
        Array.isArray(schema['allOf']) && schema['allOf'].length === 1 && Object.keys(schema).length === 1 ? (schema['allOf'] as Json[])[0] : schema;
      return { ...(description ? { description } : {}), ...(example !== undefined ? { example } : {}), anyOf: [inner, { type: 'null' }] };
    }
    if (typeof o['type'] === 'string') {
      o['type'] = [o['type'], 'null'];
      if (Array.isArray(o['enum']) && !o['enum'].includes(null)) o['enum'] = [...o['enum'], null];
    }
  } else if (o['nullable'] === false) {
    delete o['nullable'];
  }
  return o;
}

const header = (description: string, example: string) => ({ description, required: true, schema: { type: 'string' }, example });

/** The headers every webhook POST carries (SPEC §4, WEBHOOKS_GUIDE.md "Security"). */
export const WEBHOOK_HEADERS = {
  'X-Webhook-Signature': header(
    '`sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the API key that created the job',
    'sha256=5d41402abc4b2a76b9719d911017c592ae0f4a1e5c3b2d1a0f9e8d7c6b5a4f3e',
  ),
  'X-Webhook-Event': header('The event name, as in the body', 'download.completed'),
  'X-Webhook-Id': header('One per event, the same on every retry and redelivery: deduplicate on it', 'evt_5f2c9a1b3d4e'),
  'X-Webhook-Attempt': header('1 for the first attempt, then 2, 3, …', '1'),
  'X-Webhook-Timestamp': header('Unix seconds of this attempt', '1762423350'),
  'webhook-id': header('Standard Webhooks: equals X-Webhook-Id', 'evt_5f2c9a1b3d4e'),
  'webhook-timestamp': header('Standard Webhooks: Unix seconds of this attempt (reject old ones: replays)', '1762423350'),
  'webhook-signature': header(
    'Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the API key bytes',
    'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  ),
};

function webhooks(): Json {
  const out: Json = {};
  for (const [event, schema] of Object.entries(WEBHOOK_SCHEMA_NAMES)) {
    out[event] = {
      post: {
        operationId: `webhook_${event.replace('.', '_')}`,
        summary: event,
        description: `${WEBHOOK_DESCRIPTIONS[event]} Sent to the job's \`webhook_url\`. A 2xx answer is delivery; 408, 429, 5xx, timeouts and connection errors are retried; other answers (and redirects) are permanent failures.`,
        tags: ['webhooks'],
        security: [{ webhook_signature: [] }],
        parameters: Object.entries(WEBHOOK_HEADERS).map(([name, h]) => ({ name, in: 'header', ...h })),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` }, example: WEBHOOK_EXAMPLES[event] } },
        },
        responses: {
          '200': { description: 'Any 2xx: delivered' },
          '400': { description: 'Any other 4xx: permanent failure, not retried' },
          '503': { description: '408, 429 and 5xx are retried (Retry-After honoured up to a cap)' },
        },
      },
    };
  }
  return out;
}
