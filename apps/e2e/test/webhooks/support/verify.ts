import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Hit } from './receiver';

/** The webhooks guide's Node verifier, as written there. */
export function verifyWebhookSignature(payload: Buffer, signature: string, secretKey: string): boolean {
  if (!signature || !signature.startsWith('sha256=')) {
    return false;
  }
  const expectedSig = signature.substring(7);
  const calculatedSig = createHmac('sha256', secretKey).update(payload).digest('hex');
  return timingSafeEqual(Buffer.from(expectedSig, 'hex'), Buffer.from(calculatedSig, 'hex'));
}

/** Standard Webhooks verification with the reference library (secret = the API key's bytes, base64). */
export function verifyStandardWebhook(hit: Hit, apiKey: string): unknown {
  const wh = new Webhook(Buffer.from(apiKey, 'utf8').toString('base64'));
  return wh.verify(hit.body.toString('utf8'), hit.headers as Record<string, string>);
}
