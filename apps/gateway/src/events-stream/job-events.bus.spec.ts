import type { JobView } from '../jobs/job-view';
import { JobEventsBus, StreamEvent } from './job-events.bus';

const view = (request_id: string, percent = 0) => ({ request_id, status: 'running', progress: { percent } }) as unknown as JobView;

describe('JobEventsBus', () => {
  it('delivers an owner its own events only, with increasing ids', () => {
    const bus = new JobEventsBus({ replayLimit: 10 });
    const a: StreamEvent[] = [];
    const b: StreamEvent[] = [];
    bus.subscribe('fp-a', (e) => a.push(e));
    const unsubscribeB = bus.subscribe('fp-b', (e) => b.push(e));
    bus.publish('fp-a', view('req_a1'));
    bus.publish('fp-b', view('req_b1'));
    bus.publish('fp-a', view('req_a2'));
    expect(a.map((e) => e.data.request_id)).toEqual(['req_a1', 'req_a2']);
    expect(b.map((e) => e.data.request_id)).toEqual(['req_b1']);
    expect(a[0].id).toBe(`${bus.epoch}-1`);
    expect(a[1].seq).toBeGreaterThan(a[0].seq);
    unsubscribeB();
    bus.publish('fp-b', view('req_b2'));
    expect(b).toHaveLength(1);
    expect(bus.listenerCount()).toBe(1);
  });

  it('replays what came after Last-Event-ID, for that owner only', () => {
    const bus = new JobEventsBus({ replayLimit: 10 });
    const first = bus.publish('fp-a', view('req_a', 10));
    bus.publish('fp-b', view('req_b', 10));
    bus.publish('fp-a', view('req_a', 50));
    bus.publish('fp-a', view('req_a', 90));
    const r = bus.replaySince('fp-a', first.id);
    expect(r.kind).toBe('resumed');
    expect(r.kind === 'resumed' && r.events.map((e) => e.data.progress.percent)).toEqual([50, 90]);
    expect(bus.replaySince('fp-a', undefined)).toEqual({ kind: 'fresh' });
    expect(bus.replaySince('fp-c', first.id)).toEqual({ kind: 'resumed', events: [] });
  });

  it('asks for a resync when the buffer no longer holds what the client missed', () => {
    const bus = new JobEventsBus({ replayLimit: 2 });
    const first = bus.publish('fp-a', view('req_a', 1));
    const second = bus.publish('fp-a', view('req_a', 2));
    bus.publish('fp-a', view('req_a', 3));
    bus.publish('fp-a', view('req_a', 4));
    // the buffer kept 3 and 4: after 1 the client missed 2, which is gone
    expect(bus.replaySince('fp-a', first.id)).toEqual({ kind: 'gap' });
    const r = bus.replaySince('fp-a', second.id);
    expect(r.kind === 'resumed' && r.events.map((e) => e.data.progress.percent)).toEqual([3, 4]);
  });

  it('asks for a resync on ids from another replica or an earlier process, and on garbage', () => {
    const bus = new JobEventsBus({ replayLimit: 10 });
    bus.publish('fp-a', view('req_a'));
    const other = new JobEventsBus({ replayLimit: 10 });
    expect(bus.replaySince('fp-a', `${other.epoch}-1`)).toEqual({ kind: 'gap' });
    expect(bus.replaySince('fp-a', `${bus.epoch}-99`)).toEqual({ kind: 'gap' });
    expect(bus.replaySince('fp-a', 'not-an-id')).toEqual({ kind: 'gap' });
  });
});
