import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { SseParser, StreamEvent } from './events';
import { verifyStandardWebhook, verifyWebhookSignature } from './webhooks';

const ROOT = resolve(__dirname, '../../..');

describe('@mda/client', () => {
  it('its generated types are those of libs/client/openapi.json (not stale)', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/generate-client.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('up to date');
  });

  it('compiles under tsc --strict', () => {
    expect(() =>
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'libs/client/tsconfig.lib.json', '--strict'], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ).not.toThrow();
  }, 60_000);

  describe('webhook verification', () => {
    const key = 'receiver-key-0123456789';
    const body = '{"event":"download.started","timestamp":"2025-11-06T10:00:00Z","request_id":"req_abc123def456","data":{}}';

    it('accepts the guide signature of the exact body, and refuses another body or key', () => {
      const sig = `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
      expect(verifyWebhookSignature(body, sig, key)).toBe(true);
      expect(verifyWebhookSignature(body + ' ', sig, key)).toBe(false);
      expect(verifyWebhookSignature(body, sig, 'other-key')).toBe(false);
      expect(verifyWebhookSignature(body, undefined, key)).toBe(false);
    });

    it('checks Standard Webhooks headers as the standardwebhooks package signs them, and rejects replays', () => {
      const secret = 'whsec_' + Buffer.from(key).toString('base64');
      const now = 1_762_423_350;
      const signature = new Webhook(secret).sign('evt_1', new Date(now * 1000), body);
      const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), 'webhook-signature': signature };
      expect(verifyStandardWebhook(body, headers, secret, { nowSec: now })).toEqual({ ok: true });
      // the server keys with the API key's UTF-8 bytes: the plain key works as the secret too
      expect(verifyStandardWebhook(body, headers, key, { nowSec: now })).toEqual({ ok: true });
      expect(verifyStandardWebhook(body, headers, secret, { nowSec: now + 301 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
      expect(verifyStandardWebhook(body.replace('started', 'failed'), headers, secret, { nowSec: now })).toEqual({ ok: false, reason: 'bad_signature' });
      expect(verifyStandardWebhook(body, { 'webhook-id': 'evt_1' }, secret, { nowSec: now })).toEqual({ ok: false, reason: 'missing_headers' });
    });
  });

  it('parses the events stream across chunk boundaries, skipping comments', () => {
    const seen: StreamEvent[] = [];
    const p = new SseParser((e) => seen.push(e));
    p.push(': heartbeat\n\nevent: hello\ndata: {"resumed":false}\n\nid: 1-1\nevent: job\ndata: {"request_id":"req_a');
    expect(seen).toEqual([{ event: 'hello', data: { resumed: false } }]);
    p.push('bc","status":"running"}\r\n\r\n');
    expect(seen[1]).toEqual({ event: 'job', id: '1-1', data: { request_id: 'req_abc', status: 'running' } });
  });
});
