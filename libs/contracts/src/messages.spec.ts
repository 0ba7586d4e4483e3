import { makeEnvelope } from './envelope';
import { MESSAGES, REPLY_EXCHANGE, exchangeOf, parseMessage } from './messages';
import { SUBSCRIPTIONS } from './subscriptions';
import { TOPOLOGY } from './topology';

const deps = { newId: () => 'msg_1', now: () => new Date('2026-01-01T00:00:00Z') };

/** AMQP topic matching: `*` one word, `#` zero or more. */
function topicMatches(pattern: string, key: string): boolean {
  const re = pattern
    .split('.')
    .map((w) => (w === '#' ? '.*' : w === '*' ? '[^.]+' : w.replace(/[-]/g, '\\-')))
    .join('\\.');
  return new RegExp(`^${re.replace(/\\\.\.\*/g, '(\\..*)?')}$`).test(key);
}

describe('the message catalogue', () => {
  it('puts every message on an exchange of the topology (replies on the default exchange)', () => {
    const exchanges = new Set(TOPOLOGY.exchanges.map((e) => e.name));
    for (const [type, def] of Object.entries(MESSAGES)) {
      expect([type, def.exchange === REPLY_EXCHANGE || exchanges.has(def.exchange)]).toEqual([type, true]);
    }
  });

  it("routes every type a subscription accepts to that subscription's queue", () => {
    for (const sub of Object.values(SUBSCRIPTIONS)) {
      for (const key of sub.keys) {
        const exchange = exchangeOf(key);
        const routed =
          'queue' in sub && sub.queue
            ? TOPOLOGY.bindings.some((b) => b.queue === sub.queue && b.exchange === exchange && topicMatches(b.routingKey, key))
            : 'exclusive' in sub && sub.exclusive.exchange === exchange && sub.exclusive.routingKeys.some((p) => topicMatches(p, key));
        expect([sub.name, key, routed]).toEqual([sub.name, key, true]);
      }
    }
  });

  it('parses a message into its type, applying its schema, and refuses a type outside the keys given', () => {
    const raw = JSON.stringify(
      makeEnvelope(deps, 'download.requested', { request_id: 'req_abcdefabcdef', url: 'https://e.com/v', options: {}, webhook: null }, 'c'),
    );
    const ok = parseMessage(raw, SUBSCRIPTIONS.downloaderJobs.keys);
    expect(ok.ok && ok.value.type === 'download.requested' && ok.value.data.options.quality).toBe('best');
    expect(parseMessage(raw, SUBSCRIPTIONS.workerControl.keys)).toEqual({ ok: false, error: 'unexpected message type "download.requested"' });
    const bad = JSON.stringify(makeEnvelope(deps, 'download.cancel', { request_id: 7 }, 'c'));
    expect(parseMessage(bad, SUBSCRIPTIONS.workerControl.keys)).toEqual({
      ok: false,
      error: 'data of download.cancel: request_id: Expected string, received number',
    });
  });

  it('refuses an unknown type when asked for its exchange', () => {
    expect(() => exchangeOf('download.nope' as never)).toThrow('unknown message type "download.nope"');
  });
});
