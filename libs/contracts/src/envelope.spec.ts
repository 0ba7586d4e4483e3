import { z } from 'zod';
import { makeEnvelope, parseEnvelope } from './envelope';
import { DOWNLOAD_EVENT_SCHEMAS, downloadRequestedSchema } from './downloads';
import { TOPOLOGY, retryTierDelaySec, retryTierQueue, webhookRetryRoutingKey } from './topology';

const deps = { newId: () => 'msg_1', now: () => new Date('2026-01-01T00:00:00Z') };

describe('parseEnvelope', () => {
  const good = makeEnvelope(deps, 'download.requested', { request_id: 'req_abcdefabcdef', url: 'https://e.com/v', options: {}, webhook: null }, 'c');

  it('accepts a valid envelope and applies defaults', () => {
    const r = parseEnvelope(JSON.stringify(good), downloadRequestedSchema);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.data.options.quality).toBe('best');
  });

  it.each([
    ['not JSON', '{x', /not valid JSON/],
    ['missing id', JSON.stringify({ ...good, id: undefined }), /envelope: id/],
    ['bad time', JSON.stringify({ ...good, occurred_at: 'yesterday' }), /occurred_at/],
    ['bad request id', JSON.stringify({ ...good, data: { ...good.data, request_id: 'abc' } }), /data of download.requested: request_id/],
    ['unknown quality', JSON.stringify({ ...good, data: { ...good.data, options: { quality: '9000p' } } }), /quality/],
  ])('rejects %s', (_name, raw, error) => {
    const r = parseEnvelope(raw, downloadRequestedSchema);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('chooses the schema by envelope type and rejects unknown types', () => {
    const e = makeEnvelope(deps, 'download.unknown', {}, 'c');
    const r = parseEnvelope(JSON.stringify(e), DOWNLOAD_EVENT_SCHEMAS as Record<string, z.ZodTypeAny>);
    expect(r).toEqual({ ok: false, error: 'unexpected message type "download.unknown"' });
  });
});

describe('topology', () => {
  it('has one retry tier per step, doubling from 1 s to 512 s', () => {
    expect([1, 2, 3, 10].map(retryTierDelaySec)).toEqual([1, 2, 4, 512]);
    expect(retryTierQueue(3)).toBe('webhooks.retry.4s');
    expect(webhookRetryRoutingKey(3)).toBe('webhook.retry.3');
    const tiers = TOPOLOGY.queues.filter((q) => q.name.startsWith('webhooks.retry.'));
    expect(tiers.map((q) => q.arguments['x-message-ttl'])).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((s) => s * 1000));
  });

  it('declares each queue exactly once', () => {
    const names = TOPOLOGY.queues.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('binds both event consumers to every download event', () => {
    const b = TOPOLOGY.bindings.filter((x) => x.exchange === 'downloads.events').map((x) => `${x.queue}<-${x.routingKey}`);
    expect(b).toEqual(expect.arrayContaining(['gateway.download-events<-download.#', 'webhook-sender.download-events<-download.#']));
  });
});
