import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { Client } from 'pg';
import { TestDatabase, createTestDatabase, waitFor } from '@mda/testing';
import { createDatabase, migrateToLatest } from '../src/store/database';
import { JOB_EVENTS_APPEND_LOCK, JobEventsRepository } from '../src/store/job-events.repository';
import { Database } from '../src/store/schema';

describe.each(['sqlite', 'postgres'] as const)('job_events on %s', (kind) => {
  let db: Kysely<Database>;
  /** A second pool: another gateway replica on the same store. */
  let db2: Kysely<Database>;
  let pg: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mda-job-events-'));

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    db = createDatabase({ databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') });
    await migrateToLatest(db, kind);
    db2 = createDatabase({ databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') });
  });

  afterAll(async () => {
    await db.destroy();
    await db2.destroy();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes ids visible in order while two replicas append at once: a reader following "after my cursor" skips none', async () => {
    const [a, b] = [new JobEventsRepository(db, kind), new JobEventsRepository(db2, kind)];
    const seen: number[] = [];
    let cursor = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        for (const row of await a.after(cursor, 1000)) {
          seen.push(row.id);
          cursor = row.id;
        }
      }
    })();
    const appends = Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).append(`fp-${i % 3}`, `req_${String(i).padStart(12, '0')}`, { i }, new Date()));
    const ids = await Promise.all(appends);
    writing = false;
    await reader;
    for (const row of await a.after(cursor, 1000)) seen.push(row.id);
    expect(seen).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(120);
  });

  it('reads one owner after an id, and prunes by age and count but keeps the newest', async () => {
    const repo = new JobEventsRepository(db, kind);
    const old = new Date('2020-01-01T00:00:00Z');
    const first = await repo.append('fp-x', 'req_x00000000001', { n: 1 }, old);
    const second = await repo.append('fp-y', 'req_y00000000001', { n: 2 }, new Date());
    const third = await repo.append('fp-x', 'req_x00000000001', { n: 3 }, new Date());
    expect((await repo.ownerAfter('fp-x', first - 1, 10)).map((e) => [e.id, e.view])).toEqual([
      [first, { n: 1 }],
      [third, { n: 3 }],
    ]);
    expect(await repo.prune(new Date('2021-01-01T00:00:00Z'), 1_000_000)).toBeGreaterThanOrEqual(1);
    expect((await repo.ownerAfter('fp-x', 0, 10)).map((e) => e.id)).toEqual([third]);
    await repo.prune(new Date(0), 1);
    expect(await repo.bounds()).toEqual({ oldest: third, newest: third });
    expect(second).toBeLessThan(third);
  });
});

describe('job_events on postgres, two appenders', () => {
  let db: Kysely<Database>;
  let db2: Kysely<Database>;
  let pg: TestDatabase;

  beforeAll(async () => {
    pg = await createTestDatabase();
    db = createDatabase({ databaseUrl: pg.url, sqlitePath: ':memory:' });
    await migrateToLatest(db, 'postgres');
    db2 = createDatabase({ databaseUrl: pg.url, sqlitePath: ':memory:' });
  });

  afterAll(async () => {
    await db.destroy();
    await db2.destroy();
    await pg.dispose();
  });

  it('holds a later append back until an earlier one that took its id has committed', async () => {
    // an appender that took its id and has not committed yet (a slow replica)
    const slow = new Client({ connectionString: pg.url });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query('select pg_advisory_xact_lock($1)', [JOB_EVENTS_APPEND_LOCK]);
      const { rows } = await slow.query<{ id: string }>(
        "insert into job_events (api_key_fp, request_id, view, recorded_at) values ('fp-s', 'req_s00000000001', '{}', now()::text) returning id",
      );
      const repo = new JobEventsRepository(db2, 'postgres');
      const cursor = Number(rows[0].id) - 1;
      const later = repo.append('fp-s', 'req_s00000000002', {}, new Date());
      // the later append waits for the lock instead of committing a larger id first
      const waiting = sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`;
      await waitFor(async () => (await waiting.execute(db)).rows[0].n > 0, { what: 'the later append waiting for the lock' });
      expect(await repo.after(cursor, 10)).toEqual([]);
      await slow.query('commit');
      const laterId = await later;
      expect((await repo.after(cursor, 10)).map((e) => e.id)).toEqual([cursor + 1, laterId]);
    } finally {
      await slow.end();
    }
  });
});
