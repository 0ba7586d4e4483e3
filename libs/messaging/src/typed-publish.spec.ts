/**
 * Compile-time contract of the message catalogue: `tsc -p tsconfig.typecheck.json` fails if any
 * `@ts-expect-error` below stops being an error (publishing the wrong data for a type compiles) or
 * a correct line stops compiling. The runtime part only proves the file is run and the calls are real.
 */
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Clock, Envelope, IdGenerator, RawEnvelope, ROUTING_KEYS, SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import type { PublishOptions, Publisher } from './publisher';
import { EventPublisher } from './messaging.module';
import { HandleMessages } from './handle-messages';
import type { HandlerOutcome } from './consumer';

const sent: Array<{ exchange: string; routingKey: string; env: RawEnvelope }> = [];
const fakePublisher: Pick<Publisher, 'publish'> = {
  publish: async (exchange: string, routingKey: string, env: RawEnvelope, _opts?: PublishOptions) => void sent.push({ exchange, routingKey, env }),
};
const clock: Clock = { now: () => new Date('2026-01-01T00:00:00Z'), nowMs: () => Date.parse('2026-01-01T00:00:00Z') } as Clock;
const ids = { messageId: () => 'msg_1' } as IdGenerator;
const events = new EventPublisher(fakePublisher as Publisher, clock, ids);

async function compileChecks(): Promise<void> {
  await events.publish('download.cancel', { request_id: 'req_abcdefabcdef' }, 'c');
  // @ts-expect-error request_id must be a string
  await events.publish('download.cancel', { request_id: 42 }, 'c');
  // @ts-expect-error a cancel's data is not a started event
  await events.publish('download.started', { request_id: 'req_abcdefabcdef' }, 'c');
  // @ts-expect-error replies go through reply(), to a reply-to
  await events.publish('job.status.reply', { request_id: 'req_abcdefabcdef', status: null }, 'c');
  // @ts-expect-error a reply's data is checked too
  await events.reply('job.status.reply', 'amq.rabbitmq.reply-to', { request_id: 'req_abcdefabcdef', status: 'lost' }, 'c');
  await events.send({ type: ROUTING_KEYS.downloadCancel, data: { request_id: 'req_abcdefabcdef' } }, 'c');
  // @ts-expect-error send() keeps type and data together
  await events.send({ type: ROUTING_KEYS.downloadFailed, data: { request_id: 'req_abcdefabcdef' } }, 'c');
}

/** A handler's envelope is the union of its subscription's types, narrowed by `type`. */
function narrows(env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.senderDownloadEvents>): string {
  if (env.type === 'batch.completed') return env.data.batch_id;
  if (env.type === 'download.failed') return env.data.error_code;
  // @ts-expect-error only download.failed carries error_code
  return env.data.error_code;
}

@Controller()
class WrongEnvelopeHandler {
  // @ts-expect-error a handler of the job queue cannot take webhook deliveries
  @HandleMessages(SUBSCRIPTIONS.downloaderJobs)
  async handle(@Payload() env: Envelope<'webhook.deliver'>): Promise<HandlerOutcome> {
    return env.data.attempt > 0 ? 'ack' : 'dead';
  }
}

describe('typed publishing', () => {
  it('looks the exchange up by type and routes by the type unless told otherwise', async () => {
    sent.length = 0;
    await compileChecks();
    expect(sent[0]).toMatchObject({
      exchange: 'downloads.control',
      routingKey: 'download.cancel',
      env: { type: 'download.cancel', data: { request_id: 'req_abcdefabcdef' } },
    });
    expect(sent.find((s) => s.routingKey === 'amq.rabbitmq.reply-to')).toMatchObject({ exchange: '', env: { type: 'job.status.reply' } });
    await events.publish(
      'webhook.deliver',
      {
        event_id: 'e',
        event: 'download.started',
        request_id: null,
        url: 'https://h.example/',
        key_fp: 'a1b2c3d4e5f60718',
        body: '{}',
        attempt: 2,
        created_at: '2026-01-01T00:00:00Z',
      },
      'c',
      { routingKey: 'webhook.retry.3' },
    );
    expect(sent.at(-1)).toMatchObject({ exchange: 'webhooks', routingKey: 'webhook.retry.3', env: { type: 'webhook.deliver' } });
    expect(typeof narrows).toBe('function');
    // @ts-expect-error no such message type (and at run time a clear refusal, nothing published)
    await expect(events.publish('download.cancelled.typo', { request_id: 'req_abcdefabcdef' }, 'c')).rejects.toThrow(
      'unknown message type "download.cancelled.typo"',
    );
    expect(typeof WrongEnvelopeHandler).toBe('function');
  });
});
