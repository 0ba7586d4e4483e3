import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readmeBlock } from '../../support/readme-blocks';
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

type Verifier = (rawBody: string, headers: Record<string, string>) => unknown;

/** The README's Standard Webhooks example (reference library), run as written; throws when invalid. */
export function verifyStandardWebhook(hit: Hit, apiKey: string): unknown {
  const make = new Function('require', 'process', `${readmeBlock('standard-webhooks')}\nreturn verifyStandardWebhook;`) as (
    r: NodeRequire,
    p: { env: Record<string, string> },
  ) => Verifier;
  return make(require, { env: { API_KEY: apiKey } })(hit.body.toString('utf8'), hit.headers as Record<string, string>);
}

/** The README's dependency-free Python example, run by python3 as written. */
export function verifyStandardWebhookPython(hit: Hit, apiKey: string): boolean {
  const script = `${readmeBlock('standard-webhooks-python')}
import json, sys
req = json.load(sys.stdin)
print('ok' if verify_standard_webhook(req['body'].encode('utf-8'), req['headers'], req['key']) else 'bad')
`;
  const input = JSON.stringify({ body: hit.body.toString('utf8'), headers: hit.headers, key: apiKey });
  return execFileSync('python3', ['-c', script], { input, encoding: 'utf8' }).trim() === 'ok';
}
