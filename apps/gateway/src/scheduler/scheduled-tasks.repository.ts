import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { DATABASE, STORE_KIND, StoreKind } from '../store/database.tokens';
import type { Database, ScheduledTasksTable } from '../store/schema';

export type ScheduledTask = ScheduledTasksTable;

/**
 * Durable due-times in the job store. A due row is claimed with a lease (a token and an end
 * time): on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so replicas claiming at once take different
 * rows; on SQLite in one UPDATE … RETURNING, its own write transaction (one writer at a time). Only the lease holder can
 * reschedule or finish its row; a lease that runs out (its replica died) is taken over.
 */
@Injectable()
export class ScheduledTasksRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(STORE_KIND) private readonly kind: StoreKind,
  ) {}

  /** Creates the task or moves its due time (an existing lease is left alone). */
  async schedule(task: { task_id: string; kind: string; ref: string; due_at: string }, now: string): Promise<void> {
    await this.db
      .insertInto('scheduled_tasks')
      .values({ ...task, lease_token: null, lease_until: null, failures: 0, last_error: null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('task_id').doUpdateSet({ due_at: task.due_at, updated_at: now }))
      .execute();
  }

  async remove(taskId: string): Promise<void> {
    await this.db.deleteFrom('scheduled_tasks').where('task_id', '=', taskId).execute();
  }

  async find(taskId: string): Promise<ScheduledTask | undefined> {
    return this.db.selectFrom('scheduled_tasks').selectAll().where('task_id', '=', taskId).executeTakeFirst();
  }

  /** Claims up to `limit` due, unleased (or lease-expired) tasks for `leaseSec`; each claim has its own token. */
  async claimDue(now: string, leaseUntil: string, limit: number): Promise<ScheduledTask[]> {
    const token = newToken();
    if (this.kind === 'postgres') {
      const r = await sql<ScheduledTask>`
        UPDATE scheduled_tasks SET lease_token = ${token}, lease_until = ${leaseUntil}, updated_at = ${now}
        WHERE task_id IN (
          SELECT task_id FROM scheduled_tasks
          WHERE due_at <= ${now} AND (lease_until IS NULL OR lease_until < ${now})
          ORDER BY due_at LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
        RETURNING *`.execute(this.db);
      return r.rows;
    }
    // SQLite: one statement is one write transaction (it takes the write lock at once, so two
    // processes on the same file wait for each other instead of failing a read-then-write upgrade)
    return this.db
      .updateTable('scheduled_tasks')
      .set({ lease_token: token, lease_until: leaseUntil, updated_at: now })
      .where('task_id', 'in', (eb) =>
        eb
          .selectFrom('scheduled_tasks')
          .select('task_id')
          .where('due_at', '<=', now)
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
          .orderBy('due_at')
          .limit(limit),
      )
      .returningAll()
      .execute();
  }

  /** Claims one task now, due or not (a manual run); undefined when another holder's lease is live or there is no such task. */
  async claimNow(taskId: string, now: string, leaseUntil: string): Promise<ScheduledTask | undefined> {
    const token = newToken();
    return this.db
      .updateTable('scheduled_tasks')
      .set({ lease_token: token, lease_until: leaseUntil, updated_at: now })
      .where('task_id', '=', taskId)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Extends a lease still held; false when it was lost (expired and taken over). */
  async renew(taskId: string, token: string, leaseUntil: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('scheduled_tasks')
      .set({ lease_until: leaseUntil, updated_at: now })
      .where('task_id', '=', taskId)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The holder's run succeeded: next due time, lease released, failures reset. */
  async reschedule(taskId: string, token: string, dueAt: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('scheduled_tasks')
      .set({ due_at: dueAt, lease_token: null, lease_until: null, failures: 0, last_error: null, updated_at: now })
      .where('task_id', '=', taskId)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The holder's run failed: due again after the backoff, failures counted. */
  async fail(taskId: string, token: string, dueAt: string, error: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('scheduled_tasks')
      .set((eb) => ({
        due_at: dueAt,
        lease_token: null,
        lease_until: null,
        failures: eb('failures', '+', 1),
        last_error: error.slice(0, 2000),
        updated_at: now,
      }))
      .where('task_id', '=', taskId)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The holder's task is done for good (a one-off expiry). */
  async finish(taskId: string, token: string): Promise<boolean> {
    const r = await this.db.deleteFrom('scheduled_tasks').where('task_id', '=', taskId).where('lease_token', '=', token).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The oldest due time not yet claimed, per kind (how far the scheduler lags). */
  async oldestDue(now: string): Promise<Array<{ kind: string; due_at: string }>> {
    return this.db
      .selectFrom('scheduled_tasks')
      .select(['kind', (eb) => eb.fn.min<string>('due_at').as('due_at')])
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .groupBy('kind')
      .execute();
  }
}

function newToken(): string {
  return randomBytes(12).toString('hex');
}
