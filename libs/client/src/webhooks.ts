import { createHmac, timingSafeEqual } from 'node:crypto';
import type { components } from './generated/schema';

type S = components['schemas'];
/** A webhook body as the document's `webhooks` describe it. */
export type WebhookPayload =
  | S['DownloadStartedWebhook']
  | S['DownloadProgressWebhook']
  | S['DownloadCompletedWebhook']
  | S['DownloadFailedWebhook']
  | S['DownloadCancelledWebhook']
  | S['BatchCompletedWebhook'];

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The guide's check: `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>`, keyed
 * with your API key. Pass the raw body as received (not re-serialised JSON).
 */
export function verifyWebhookSignature(rawBody: string | Buffer, signatureHeader: string | undefined, apiKey: string): boolean {
  if (!signatureHeader) return false;
  const expected = `sha256=${createHmac('sha256', apiKey).update(rawBody).digest('hex')}`;
  return safeEqual(expected, signatureHeader.trim());
}

export interface StandardWebhookHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
}

export type VerifyOutcome = { ok: true } | { ok: false; reason: 'missing_headers' | 'timestamp_out_of_tolerance' | 'bad_signature' };

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` holds space-separated `v1,<base64>`
 * HMAC-SHA256 of `id.timestamp.body`. The secret is the API key's UTF-8 bytes, or the base64 of a
 * `whsec_` secret. Timestamps further than `toleranceSec` (default 300) from now are replays.
 */
export function verifyStandardWebhook(
  rawBody: string | Buffer,
  headers: StandardWebhookHeaders,
  secret: string,
  opts: { toleranceSec?: number; nowSec?: number } = {},
): VerifyOutcome {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (!id || !ts || !sig || !/^\d+$/.test(ts)) return { ok: false, reason: 'missing_headers' };
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(ts)) > (opts.toleranceSec ?? 300)) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(rawBody).digest('base64');
  const ok = sig.split(' ').some((s) => s.startsWith('v1,') && safeEqual(s.slice(3), expected));
  return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
