import { createHmac, timingSafeEqual } from 'node:crypto';
import { seedSignature, standardSignature, webhookHeaders } from './signer';

/** The seed guide's Node verifier, as written there. */
function verifyWebhookSignatureNode(payload: Buffer, signature: string, secretKey: string): boolean {
  if (!signature || !signature.startsWith('sha256=')) return false;
  const expectedSig = signature.substring(7);
  const calculatedSig = createHmac('sha256', secretKey).update(payload).digest('hex');
  return timingSafeEqual(Buffer.from(expectedSig, 'hex'), Buffer.from(calculatedSig, 'hex'));
}

/** The seed guide's Python verifier (hmac.new(key.encode('utf-8'), payload, sha256).hexdigest(), compare_digest). */
function verifyWebhookSignaturePython(payload: Buffer, signature: string, secretKey: string): boolean {
  if (!signature || !signature.startsWith('sha256=')) return false;
  const expected = signature.slice(7);
  const calculated = createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(payload).digest('hex');
  return expected.length === calculated.length && timingSafeEqual(Buffer.from(expected), Buffer.from(calculated));
}

describe('seed signature', () => {
  const key = 'your-api-key-ünïcode';
  const body = JSON.stringify({ event: 'download.completed', data: { title: 'Ünïcode 🎬', n: 1 } });

  it('verifies with the seed Node and Python logic over the exact bytes', () => {
    const sig = seedSignature(key, body);
    expect(sig).toMatch(/^sha256=[a-f0-9]{64}$/);
    expect(verifyWebhookSignatureNode(Buffer.from(body, 'utf8'), sig, key)).toBe(true);
    expect(verifyWebhookSignaturePython(Buffer.from(body, 'utf8'), sig, key)).toBe(true);
  });

  it('fails for another key or a body changed by one byte', () => {
    const sig = seedSignature(key, body);
    expect(verifyWebhookSignatureNode(Buffer.from(body), sig, 'another-key-123')).toBe(false);
    expect(verifyWebhookSignaturePython(Buffer.from(body.replace('1', '2')), sig, key)).toBe(false);
    // re-serialising the parsed body (different spacing) is not the same bytes
    expect(verifyWebhookSignaturePython(Buffer.from(JSON.stringify(JSON.parse(body), null, 1)), sig, key)).toBe(false);
  });
});

describe('Standard Webhooks signature', () => {
  it('matches the published test vector', () => {
    // from the Standard Webhooks specification / reference libraries
    const secret = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const sig = standardSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('webhookHeaders', () => {
  it('carries the seed signature, the event, a stable id and the Standard Webhooks trio', () => {
    const h = webhookHeaders({
      apiKey: 'k-12345678',
      eventId: 'msg_1',
      event: 'download.started',
      body: '{}',
      attempt: 2,
      nowSec: 1700000000,
      userAgent: 'UA/1',
    });
    expect(h).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'UA/1',
      'x-webhook-event': 'download.started',
      'x-webhook-id': 'msg_1',
      'x-webhook-attempt': '2',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
    });
    expect(h['x-webhook-signature']).toBe(seedSignature('k-12345678', '{}'));
    expect(h['webhook-signature']).toBe(standardSignature(Buffer.from('k-12345678'), 'msg_1', 1700000000, '{}'));
  });
});
