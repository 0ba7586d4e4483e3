import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import { TestDatabase, createTestDatabase } from '@mda/testing';
import { createDatabase, migrateToLatest } from '../store/database';
import { Database } from '../store/schema';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { ScheduledTasksRepository } from './scheduled-tasks.repository';
import { backoffDelayMs, jitteredIntervalMs } from './timing';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();

describe.each(['sqlite', 'postgres'] as const)('the durable scheduler store on %s', (kind) => {
  let db: Kysely<Database>;
  /** A second connection pool: another gateway replica on the same store. */
  let db2: Kysely<Database>;
  let repo: ScheduledTasksRepository;
  let repo2: ScheduledTasksRepository;
  let pg: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mda-sched-'));

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    db = createDatabase({ databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') });
    await migrateToLatest(db, kind);
    db2 = createDatabase({ databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') });
    repo = new ScheduledTasksRepository(db, kind);
    repo2 = new ScheduledTasksRepository(db2, kind);
  });

  afterAll(async () => {
    await db.destroy();
    await db2.destroy();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims only due tasks, holds them while the lease lasts, and lets another take over an expired lease', async () => {
    await repo.schedule({ task_id: 'a', kind: 'k', ref: 'ra', due_at: at(10) }, at(0));
    await repo.schedule({ task_id: 'b', kind: 'k', ref: 'rb', due_at: at(100) }, at(0));
    expect(await repo.claimDue(at(5), at(35), 10)).toEqual([]);
    const [first] = await repo.claimDue(at(10), at(40), 10);
    expect(first).toMatchObject({ task_id: 'a', lease_until: at(40) });
    // held: neither replica gets it again, nor a manual run
    expect(await repo2.claimDue(at(20), at(50), 10)).toEqual([]);
    expect(await repo2.claimNow('a', at(20), at(50))).toBeUndefined();
    // the holder died: once the lease runs out the other replica takes it, and the old holder is fenced off
    const [again] = await repo2.claimDue(at(41), at(71), 10);
    expect(again.task_id).toBe('a');
    expect(again.lease_token).not.toBe(first.lease_token);
    expect(await repo.reschedule('a', first.lease_token!, at(500), at(42))).toBe(false);
    expect(await repo.renew('a', first.lease_token!, at(90), at(42))).toBe(false);
    expect(await repo2.renew('a', again.lease_token!, at(90), at(42))).toBe(true);
    expect(await repo2.reschedule('a', again.lease_token!, at(200), at(43))).toBe(true);
    expect(await repo.find('a')).toMatchObject({ due_at: at(200), lease_token: null, lease_until: null, failures: 0 });
  });

  it('counts failures and resets them on success; a finished task is gone', async () => {
    await repo.schedule({ task_id: 'f', kind: 'k', ref: 'rf', due_at: at(0) }, at(0));
    for (let i = 1; i <= 3; i++) {
      const [t] = (await repo.claimDue(at(1000 * i), at(1000 * i + 30), 10)).filter((x) => x.task_id === 'f');
      expect(await repo.fail('f', t.lease_token!, at(1000 * i + 1), 'listing failed', at(1000 * i))).toBe(true);
      expect(await repo.find('f')).toMatchObject({ failures: i, last_error: 'listing failed', lease_token: null });
    }
    const t = await repo.claimNow('f', at(5000), at(5030));
    expect(await repo.reschedule('f', t!.lease_token!, at(9000), at(5001))).toBe(true);
    expect(await repo.find('f')).toMatchObject({ failures: 0, last_error: null });
    const t2 = await repo.claimNow('f', at(5002), at(5032));
    expect(await repo.finish('f', t2!.lease_token!)).toBe(true);
    expect(await repo.find('f')).toBeUndefined();
  });

  it('gives each due task to exactly one of two replicas claiming at once', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const id of ids) await repo.schedule({ task_id: id, kind: 'race', ref: id, due_at: at(20_000) }, at(0));
    const claimedBy = new Map<string, string[]>();
    const replica = async (r: ScheduledTasksRepository, name: string) => {
      for (let round = 0; round < 40; round++) {
        const got = await r.claimDue(at(20_001), at(20_031), 5);
        for (const t of got) claimedBy.set(t.task_id, [...(claimedBy.get(t.task_id) ?? []), name]);
      }
    };
    await Promise.all([replica(repo, 'one'), replica(repo2, 'two'), replica(repo, 'one-b'), replica(repo2, 'two-b')]);
    const race = [...claimedBy.entries()].filter(([id]) => id.startsWith('c'));
    expect(race.map(([id]) => id).sort()).toEqual(ids);
    expect(race.filter(([, who]) => who.length !== 1)).toEqual([]);
  });

  it('lets only one of two concurrent checks take a subscription item', async () => {
    const subsA = new SubscriptionsRepository(db);
    const subsB = new SubscriptionsRepository(db2);
    const items = (rid: string) =>
      Array.from({ length: 30 }, (_, i) => ({
        item_key: `k${i}`,
        url: `https://e.example/${i}`,
        title: null,
        request_id: `req_${rid}${String(i).padStart(10, '0')}`,
        state: 'pending' as const,
      }));
    const [a, b] = await Promise.all([
      subsA.takeNew('sub_aaaaaaaaaaaa', items('a'), 'chk_a', at(0)),
      subsB.takeNew('sub_aaaaaaaaaaaa', items('b'), 'chk_b', at(0)),
    ]);
    expect([...a, ...b].sort()).toEqual(
      items('a')
        .map((i) => i.item_key)
        .sort(),
    );
    const pending = await subsA.pending('sub_aaaaaaaaaaaa');
    expect(pending).toHaveLength(30);
    // each item keeps the request id of the check that took it
    for (const p of pending) expect(p.request_id.startsWith(a.includes(p.item_key) ? 'req_a' : 'req_b')).toBe(true);
    await subsA.markQueued(
      'sub_aaaaaaaaaaaa',
      pending.map((p) => p.item_key),
    );
    expect(await subsA.pending('sub_aaaaaaaaaaaa')).toEqual([]);
    expect(await subsB.takeNew('sub_aaaaaaaaaaaa', items('c'), 'chk_c', at(1))).toEqual([]);
  });
});

describe('scheduler timing', () => {
  it('backs off from 30 s doubling to an hour, within ±20 %', () => {
    expect(backoffDelayMs(1, () => 0.5)).toBe(30_000);
    expect(backoffDelayMs(2, () => 0.5)).toBe(60_000);
    expect(backoffDelayMs(20, () => 0.5)).toBe(3_600_000);
    expect(backoffDelayMs(1, () => 0)).toBe(24_000);
    expect(backoffDelayMs(1, () => 0.999999)).toBeLessThanOrEqual(36_000);
  });

  it('spreads intervals by ±10 %, at most ±5 minutes', () => {
    expect(jitteredIntervalMs(3_600_000, () => 0)).toBe(3_300_000);
    expect(jitteredIntervalMs(3_600_000, () => 1)).toBe(3_900_000);
    expect(jitteredIntervalMs(600_000, () => 0)).toBe(540_000);
    const many = Array.from({ length: 1000 }, () => jitteredIntervalMs(3_600_000));
    expect(new Set(many.map((m) => Math.floor(m / 60_000))).size).toBeGreaterThan(8);
  });
});
