import { createHmac } from 'node:crypto';

/** The seed's signature: `sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the API key. */
export function seedSignature(apiKey: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', apiKey).update(body).digest('hex')}`;
}

/**
 * Standard Webhooks (standardwebhooks.com): `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
 * The secret bytes are the API key's UTF-8 bytes (a `whsec_` secret's are its base64 decoding).
 */
export function standardSignature(secret: Buffer, id: string, timestampSec: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;
}

export interface SignedHeaders {
  [name: string]: string;
}

/** Every header of one attempt. The timestamp is the attempt's, so a late retry is not a replay. */
export function webhookHeaders(opts: {
  apiKey: string;
  eventId: string;
  event: string;
  body: string;
  attempt: number;
  nowSec: number;
  userAgent: string;
}): SignedHeaders {
  return {
    'content-type': 'application/json',
    'user-agent': opts.userAgent,
    'x-webhook-signature': seedSignature(opts.apiKey, opts.body),
    'x-webhook-event': opts.event,
    'x-webhook-id': opts.eventId,
    'x-webhook-attempt': String(opts.attempt),
    'x-webhook-timestamp': String(opts.nowSec),
    'webhook-id': opts.eventId,
    'webhook-timestamp': String(opts.nowSec),
    'webhook-signature': standardSignature(Buffer.from(opts.apiKey, 'utf8'), opts.eventId, opts.nowSec, opts.body),
  };
}
