import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import type { WebhookAttempted } from '@mda/contracts';
import { TestDatabase, createTestDatabase } from '@mda/testing';
import { createDatabase, migrateToLatest } from './database';
import { Database } from './schema';
import { WebhookLogRepository } from './webhook-log.repository';

const NOW = '2026-01-01T00:00:10.000Z';

function attempt(over: Partial<WebhookAttempted>): WebhookAttempted {
  return {
    event_id: 'msg_a',
    event: 'download.completed',
    request_id: 'req_aaaaaaaaaaaa',
    batch_id: null,
    url: 'https://hooks.example/x',
    attempt: 1,
    outcome: 'retrying',
    status_code: 503,
    error: 'http_503',
    duration_ms: 12.5,
    response_body: 'busy',
    next_retry_in_sec: 1,
    attempted_at: '2026-01-01T00:00:00.000Z',
    redelivery: 0,
    delivery: { key_fp: 'abcdefabcdefabcd', body: '{"event":"download.completed"}', created_at: '2025-12-31T23:59:59.000Z' },
    ...over,
  };
}

describe.each(['sqlite', 'postgres'] as const)('WebhookLogRepository on %s', (kind) => {
  let db: Kysely<Database>;
  let repo: WebhookLogRepository;
  let pg: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mda-hooklog-'));

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    db = createDatabase({ databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') });
    await migrateToLatest(db, kind);
    repo = new WebhookLogRepository(db);
  });

  afterAll(async () => {
    await db.destroy();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records each attempt once and keeps the event’s exact body and latest state', async () => {
    expect(await repo.record(attempt({}), NOW)).toBe(true);
    expect(await repo.record(attempt({}), NOW)).toBe(false); // the same message redelivered
    const a2 = attempt({ attempt: 2, outcome: 'delivered', status_code: 200, error: null, next_retry_in_sec: null, attempted_at: '2026-01-01T00:00:01.000Z' });
    expect(await repo.record(a2, NOW)).toBe(true);
    const rows = await repo.attempts('req_aaaaaaaaaaaa');
    expect(rows.map((r) => [r.attempt, r.outcome, r.status_code])).toEqual([
      [1, 'retrying', 503],
      [2, 'delivered', 200],
    ]);
    const [event] = await repo.events('req_aaaaaaaaaaaa');
    expect(event).toMatchObject({ event_id: 'msg_a', state: 'delivered', body: '{"event":"download.completed"}', key_fp: 'abcdefabcdefabcd' });
  });

  it('takes the state from the latest attempt even when attempts arrive out of order', async () => {
    const base = { event_id: 'msg_b', request_id: 'req_bbbbbbbbbbbb' };
    await repo.record(attempt({ ...base, attempt: 4, outcome: 'dead', status_code: 500 }), NOW);
    await repo.record(attempt({ ...base, attempt: 3, outcome: 'retrying', status_code: 500 }), NOW);
    expect((await repo.events('req_bbbbbbbbbbbb'))[0].state).toBe('dead');
    expect(await repo.events('req_bbbbbbbbbbbb', ['dead'])).toHaveLength(1);
    expect(await repo.events('req_bbbbbbbbbbbb', ['delivered'])).toHaveLength(0);
  });

  it('numbers redeliveries and records their attempts apart from the original ones', async () => {
    const base = { event_id: 'msg_c', request_id: 'req_cccccccccccc' };
    await repo.record(attempt({ ...base, outcome: 'dead', status_code: 400 }), NOW);
    expect(await repo.nextRedelivery('msg_c')).toBe(1);
    await repo.setState('msg_c', 'queued', NOW);
    expect(await repo.events('req_cccccccccccc', ['dead'])).toHaveLength(0);
    await repo.record(attempt({ ...base, redelivery: 1, outcome: 'delivered', status_code: 200 }), NOW);
    expect(await repo.nextRedelivery('msg_c')).toBe(2);
    const rows = await repo.attempts('req_cccccccccccc');
    expect(rows.map((r) => [r.redelivery, r.attempt, r.outcome])).toEqual([
      [0, 1, 'dead'],
      [1, 1, 'delivered'],
    ]);
    expect((await repo.events('req_cccccccccccc'))[0].state).toBe('delivered');
  });

  it("counts each job's events by state in one call, zeros for a job without events", async () => {
    const job = 'req_dddddddddddd';
    await repo.record(attempt({ event_id: 'msg_d1', request_id: job, outcome: 'delivered', status_code: 200 }), NOW);
    await repo.record(attempt({ event_id: 'msg_d2', request_id: job, outcome: 'retrying' }), NOW);
    await repo.record(attempt({ event_id: 'msg_d3', request_id: job, outcome: 'dead', status_code: 410 }), NOW);
    await repo.record(attempt({ event_id: 'msg_d4', request_id: job, outcome: 'dead', status_code: 500 }), NOW);
    const got = await repo.summaries([job, 'req_nothinghere0']);
    expect(got.get(job)).toEqual({ events: 4, delivered: 1, retrying: 1, dead: 2 });
    expect(got.get('req_nothinghere0')).toEqual({ events: 0, delivered: 0, retrying: 0, dead: 0 });
    // a dead event queued again counts as retrying until its redelivery is answered
    await repo.setState('msg_d3', 'queued', NOW);
    expect(await repo.summary(job)).toEqual({ events: 4, delivered: 1, retrying: 2, dead: 1 });
    expect(await repo.summaries([])).toEqual(new Map());
  });
  it("records a sender's batch in one transaction: each attempt once, and none of them when one fails", async () => {
    const job = 'req_eeeeeeeeeeee';
    const first = attempt({ event_id: 'msg_e1', request_id: job, outcome: 'delivered', status_code: 200 });
    const batch = [first, attempt({ event_id: 'msg_e2', request_id: job }), attempt({ event_id: 'msg_e2', request_id: job, attempt: 2, outcome: 'dead' })];
    expect(await repo.recordAll(batch, NOW)).toEqual([true, true, true]);
    // the same batch redelivered (at least once) changes nothing
    expect(await repo.recordAll(batch, NOW)).toEqual([false, false, false]);
    expect((await repo.attempts(job)).map((r) => [r.event_id, r.attempt, r.outcome])).toEqual([
      ['msg_e1', 1, 'delivered'],
      ['msg_e2', 1, 'retrying'],
      ['msg_e2', 2, 'dead'],
    ]);
    expect((await repo.events(job)).map((e) => [e.event_id, e.state])).toEqual([
      ['msg_e1', 'delivered'],
      ['msg_e2', 'dead'],
    ]);

    // a record the store refuses (an event column it cannot take) rolls back the whole batch
    const other = 'req_ffffffffffff';
    const broken = attempt({
      event_id: 'msg_f2',
      request_id: other,
      delivery: { key_fp: 'abcdefabcdefabcd', body: null as unknown as string, created_at: NOW },
    });
    // the message, not toThrow(): better-sqlite3's SqliteError comes from the realm of the first spec file
    // that loaded the native module, so in a shared jest worker it is no `instanceof Error` here
    await expect(repo.recordAll([attempt({ event_id: 'msg_f1', request_id: other }), broken], NOW)).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/not[ -]null/i),
    );
    expect(await repo.attempts(other)).toEqual([]);
  });
});
