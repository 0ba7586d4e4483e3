import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import pino from 'pino';
import type { JobChanged } from '@mda/contracts';
import { SystemClock } from '@mda/contracts';
import type { JobView } from '../jobs/job-view';
import { createDatabase, migrateToLatest } from '../store/database';
import { JobEventsRepository } from '../store/job-events.repository';
import type { Database } from '../store/schema';
import { JobEventsBus, StreamEvent } from './job-events.bus';
import { JobChangeAnnouncer } from './ports/job-change-announcer';

const view = (request_id: string, percent = 0) => ({ request_id, status: 'running', progress: { percent } }) as unknown as JobView;
const percents = (events: StreamEvent[]) => events.map((e) => e.data.progress.percent);

class RecordingAnnouncer extends JobChangeAnnouncer {
  readonly announced: JobChanged[] = [];
  fail = false;
  async announce(change: JobChanged): Promise<void> {
    if (this.fail) throw new Error('broker down');
    this.announced.push(change);
  }
}

/** The replay and resync rules on the embedded store (SQLite); the PostgreSQL path runs in the e2e replicas spec. */
describe('JobEventsBus on the job store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mda-bus-'));
  let db: Kysely<Database>;
  let repo: JobEventsRepository;
  let n = 0;

  beforeEach(async () => {
    db = createDatabase({ sqlitePath: join(dir, `jobs-${++n}.sqlite`) });
    await migrateToLatest(db, 'sqlite');
    repo = new JobEventsRepository(db, 'sqlite');
  });
  afterEach(() => db.destroy());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const busOf = (announcer = new RecordingAnnouncer(), replayLimit = 1000) =>
    new JobEventsBus(repo, announcer, new SystemClock(), pino({ level: 'silent' }), { replayLimit, pageSize: 2 });

  it('records every change, announces its store id, and delivers each owner its own events in id order', async () => {
    const announcer = new RecordingAnnouncer();
    const bus = busOf(announcer);
    const a: StreamEvent[] = [];
    const b: StreamEvent[] = [];
    const subA = await bus.subscribe('fp-a', undefined, (e) => a.push(e));
    const subB = await bus.subscribe('fp-b', undefined, (e) => b.push(e));
    subA.start();
    subB.start();
    expect(subA.replay).toBe('fresh');
    const first = await bus.publish('fp-a', view('req_a1', 1));
    await bus.publish('fp-b', view('req_b1', 2));
    await bus.publish('fp-a', view('req_a2', 3));
    expect(percents(a)).toEqual([1, 3]);
    expect(percents(b)).toEqual([2]);
    expect(a.map((e) => e.id)).toEqual([first.id, String(first.seq + 2)]);
    expect(announcer.announced.map((c) => c.event_id)).toEqual([first.seq, first.seq + 1, first.seq + 2]);
    subB.unsubscribe();
    await bus.publish('fp-b', view('req_b2'));
    expect(b).toHaveLength(1);
    expect(bus.listenerCount()).toBe(1);
  });

  it('streams changes another replica recorded once they are announced (or caught up), across pages', async () => {
    const here = busOf();
    const there = busOf();
    const got: StreamEvent[] = [];
    const sub = await here.subscribe('fp-a', undefined, (e) => got.push(e));
    sub.start();
    const recorded: StreamEvent[] = [];
    for (const p of [10, 20, 30, 40, 50]) recorded.push(await there.publish('fp-a', view('req_a', p)));
    expect(got).toEqual([]);
    // the announcement of the last one is enough: the rows before it are read too (pages of 2)
    await here.changed(recorded[4].seq);
    expect(percents(got)).toEqual([10, 20, 30, 40, 50]);
    await there.publish('fp-a', view('req_a', 60));
    await here.catchUp();
    expect(percents(got)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('still records (and streams on the next catch-up) when the announcement fails', async () => {
    const announcer = new RecordingAnnouncer();
    announcer.fail = true;
    const there = busOf(announcer);
    const here = busOf();
    const got: StreamEvent[] = [];
    (await here.subscribe('fp-a', undefined, (e) => got.push(e))).start();
    await there.publish('fp-a', view('req_a', 5));
    await here.catchUp();
    expect(percents(got)).toEqual([5]);
  });

  it('replays what came after Last-Event-ID from the store on a replica that never saw it, for that owner only', async () => {
    const there = busOf();
    const first = await there.publish('fp-a', view('req_a', 10));
    await there.publish('fp-b', view('req_b', 10));
    await there.publish('fp-a', view('req_a', 50));
    await there.publish('fp-a', view('req_a', 90));
    const here = busOf();
    const r = await here.replaySince('fp-a', first.id);
    expect(r.kind === 'resumed' && percents(r.events)).toEqual([50, 90]);
    expect(await here.replaySince('fp-a', undefined)).toEqual({ kind: 'fresh' });
    expect(await here.replaySince('fp-c', first.id)).toEqual({ kind: 'resumed', events: [] });
  });

  it('sends replayed events, then live ones that came during the replay, each once and in order', async () => {
    const bus = busOf();
    const seen = await bus.publish('fp-a', view('req_a', 1));
    await bus.publish('fp-a', view('req_a', 2));
    const got: StreamEvent[] = [];
    // a change recorded and streamed while the replay is being read
    const ownerAfter = repo.ownerAfter.bind(repo);
    jest.spyOn(repo, 'ownerAfter').mockImplementationOnce(async (fp, after, limit) => {
      const rows = await ownerAfter(fp, after, limit);
      await bus.publish('fp-a', view('req_a', 3));
      return [...rows, ...(await ownerAfter(fp, rows.at(-1)?.id ?? after, limit))];
    });
    const sub = await bus.subscribe('fp-a', seen.id, (e) => got.push(e));
    expect(sub.replay).toBe('resumed');
    expect(got).toEqual([]);
    sub.start();
    await bus.publish('fp-a', view('req_a', 4));
    expect(percents(got)).toEqual([2, 3, 4]);
  });

  it('asks for a resync when what the client missed was pruned, or is more than one replay sends', async () => {
    const bus = busOf(new RecordingAnnouncer(), 2);
    const first = await bus.publish('fp-a', view('req_a', 1));
    const second = await bus.publish('fp-a', view('req_a', 2));
    await bus.publish('fp-a', view('req_a', 3));
    await bus.publish('fp-a', view('req_a', 4));
    // three missed after `first`, at most two replayed
    expect(await bus.replaySince('fp-a', first.id)).toEqual({ kind: 'gap' });
    const r = await bus.replaySince('fp-a', second.id);
    expect(r.kind === 'resumed' && percents(r.events)).toEqual([3, 4]);
    // keep the newest two: `second` is still resumable (3 and 4 are kept), `first` is not
    expect(await repo.prune(new Date(0), 2)).toBe(2);
    expect(await bus.replaySince('fp-a', first.id)).toEqual({ kind: 'gap' });
    expect((await bus.replaySince('fp-a', second.id)).kind).toBe('resumed');
  });

  it('prunes by age but always keeps the newest change', async () => {
    const bus = busOf();
    await bus.publish('fp-a', view('req_a', 1));
    const last = await bus.publish('fp-a', view('req_a', 2));
    expect(await repo.prune(new Date(Date.now() + 60_000), 1000)).toBe(1);
    expect(await repo.bounds()).toEqual({ oldest: last.seq, newest: last.seq });
    expect(await bus.replaySince('fp-a', last.id)).toEqual({ kind: 'resumed', events: [] });
  });

  it('asks for a resync on ids of another store or of the old per-replica format, and on garbage', async () => {
    const bus = busOf();
    expect(await bus.replaySince('fp-a', '1')).toEqual({ kind: 'gap' });
    const e = await bus.publish('fp-a', view('req_a'));
    expect(await bus.replaySince('fp-a', String(e.seq + 1))).toEqual({ kind: 'gap' });
    expect(await bus.replaySince('fp-a', '0a1b2c3d-1')).toEqual({ kind: 'gap' });
    expect(await bus.replaySince('fp-a', 'not-an-id')).toEqual({ kind: 'gap' });
    expect(await bus.replaySince('fp-a', '0')).toEqual({ kind: 'gap' });
  });
});
