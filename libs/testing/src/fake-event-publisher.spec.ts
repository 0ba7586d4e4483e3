import { ManualClock } from './clock';
import { FakeEventPublisher } from './fake-event-publisher';

describe('FakeEventPublisher', () => {
  it('routes by the catalogue and reads messages back typed by key', async () => {
    const events = new FakeEventPublisher(new ManualClock(0));
    await events.publish('download.cancel', { request_id: 'req_abcdefabcdef' }, 'corr');
    expect(events.published[0]).toMatchObject({ exchange: 'downloads.control', routingKey: 'download.cancel' });
    const env = events.only('download.cancel');
    expect([env.id, env.correlation_id, env.occurred_at, env.data.request_id]).toEqual([
      'msg_00000000000000000001',
      'corr',
      '1970-01-01T00:00:00.000Z',
      'req_abcdefabcdef',
    ]);
  });

  it("refuses what the message's consumer would dead-letter", async () => {
    const events = new FakeEventPublisher();
    const bad = { request_id: 'not-an-id' };
    await expect(events.publish('download.cancel', bad, 'corr')).rejects.toThrow(/download.cancel would be dead-lettered/);
    expect(events.types()).toEqual([]);
  });

  it('fails the next publish of a type when told to, once', async () => {
    const events = new FakeEventPublisher();
    events.failNext('download.cancel');
    await expect(events.publish('download.cancel', { request_id: 'req_abcdefabcdef' }, 'c')).rejects.toThrow('broker did not confirm');
    await events.publish('download.cancel', { request_id: 'req_abcdefabcdef' }, 'c');
    expect(events.types()).toEqual(['download.cancel']);
  });

  it('lets `after` publishes through, then refuses `count` in a row', async () => {
    const events = new FakeEventPublisher();
    events.failNext(undefined, new Error('not confirmed'), { after: 1, count: 2 });
    const cancel = (id: string) => events.publish('download.cancel', { request_id: id }, 'c');
    await cancel('req_000000000001');
    await expect(cancel('req_000000000002')).rejects.toThrow('not confirmed');
    await expect(cancel('req_000000000003')).rejects.toThrow('not confirmed');
    await cancel('req_000000000004');
    expect(events.dataOf('download.cancel').map((d) => d.request_id)).toEqual(['req_000000000001', 'req_000000000004']);
  });

  it('forgets what was published when cleared', async () => {
    const events = new FakeEventPublisher();
    await events.publish('download.cancel', { request_id: 'req_abcdefabcdef' }, 'c');
    events.clear();
    expect(events.types()).toEqual([]);
    await events.publish('download.cancel', { request_id: 'req_abcdefabcdef' }, 'c');
    expect(events.types()).toEqual(['download.cancel']);
  });
});
