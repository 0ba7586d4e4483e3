import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import pino from 'pino';
import { Clock } from '@mda/contracts';
import { ScheduledTasksRepository } from '../scheduler/scheduled-tasks.repository';
import { SchedulerService } from '../scheduler/scheduler.service';
import { createDatabase, migrateToLatest } from '../store/database';
import { JobEventsRepository } from '../store/job-events.repository';
import type { Database } from '../store/schema';
import { JOB_EVENTS_PRUNE_TASK, JobEventsPruneService } from './job-events-prune.service';

class ManualClock extends Clock {
  ms = Date.parse('2026-03-01T12:00:00.000Z');
  now(): Date {
    return new Date(this.ms);
  }
}

describe('JobEventsPruneService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mda-prune-'));
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = createDatabase({ sqlitePath: join(dir, 'jobs.sqlite') });
    await migrateToLatest(db, 'sqlite');
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its durable task once (a restart does not push it back), and prunes by age and count when it runs', async () => {
    const clock = new ManualClock();
    const logger = pino({ level: 'silent' });
    const tasks = new ScheduledTasksRepository(db, 'sqlite');
    const scheduler = new SchedulerService(tasks, clock, logger, { pollMs: 1000, leaseMs: 30_000, batch: 4 });
    const events = new JobEventsRepository(db, 'sqlite');
    const retention = { maxAgeMs: 3_600_000, maxCount: 2, everyMs: 600_000 };
    const service = new JobEventsPruneService(scheduler, tasks, events, clock, retention, logger);
    service.onModuleInit();
    await service.onApplicationBootstrap();
    const task = await tasks.find('job-events-prune');
    expect(task).toMatchObject({ kind: JOB_EVENTS_PRUNE_TASK, due_at: '2026-03-01T12:10:00.000Z' });
    clock.ms += 60_000;
    await service.onApplicationBootstrap();
    expect((await tasks.find('job-events-prune'))?.due_at).toBe('2026-03-01T12:10:00.000Z');

    const old = await events.append('fp', 'req_000000000001', {}, new Date(clock.ms - 2 * 3_600_000));
    const kept: number[] = [];
    for (let i = 0; i < 3; i++) kept.push(await events.append('fp', 'req_000000000001', { i }, clock.now()));
    const outcome = await service.run();
    expect(outcome).toEqual({ next: 'at', at: new Date(clock.ms + 600_000) });
    // the old one by age, the oldest recent one by count: the newest two stay
    expect((await events.after(0, 10)).map((e) => e.id)).toEqual(kept.slice(1));
    expect(old).toBeLessThan(kept[0]);
  });
});
