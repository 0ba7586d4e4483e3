import { METRICS, PUBLICATIONS, RPC_REPLY_ROUTING_LABEL, labelProduct, publishLabels } from './metrics';
import { MAX_RETRY_TIERS, retryTierQueue } from './topology';

describe('metric catalogue', () => {
  it('maps every reply-to address to one routing_key label (bounded)', () => {
    expect(publishLabels('', 'amq.rabbitmq.reply-to.g1h2AA5yZXBseUAxMjM0NTY3OA==.abc')).toEqual({
      exchange: 'amq.default',
      routing_key: RPC_REPLY_ROUTING_LABEL,
    });
    expect(publishLabels('', 'amq.rabbitmq.reply-to.other')).toEqual(publishLabels('', 'amq.rabbitmq.reply-to.g1h2'));
    expect(publishLabels('downloads.events', 'download.completed')).toEqual({ exchange: 'downloads.events', routing_key: 'download.completed' });
  });

  it('initialises the label sets the code uses', () => {
    expect(labelProduct({ a: ['1', '2'], b: ['x'] })).toEqual([
      { a: '1', b: 'x' },
      { a: '2', b: 'x' },
    ]);
    expect(METRICS.jobs.initial()).toEqual([{ outcome: 'completed' }, { outcome: 'failed' }, { outcome: 'cancelled' }]);
    // a tier is named as its queue's suffix: tier "4s" is webhooks.retry.4s
    expect(METRICS.webhookRetries.initial().map((s) => s.tier)).toEqual(['1s', '2s', '4s', '8s', '16s', '32s', '64s', '128s', '256s', '512s']);
    expect(METRICS.webhookRetries.initial().map((s) => `webhooks.retry.${s.tier}`)).toEqual(
      Array.from({ length: MAX_RETRY_TIERS }, (_, i) => retryTierQueue(i + 1)),
    );
    expect(METRICS.messagesPublished.initial('downloader-worker')).toContainEqual({ exchange: 'amq.default', routing_key: 'rpc_reply', result: 'confirmed' });
    expect(PUBLICATIONS['webhook-sender'].length).toBe(12);
  });
});
