import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { DATABASE, STORE_KIND } from './database.tokens';
import type { StoreKind } from './database.tokens';
import type { Database } from './schema';

export interface StoredJobEvent {
  id: number;
  api_key_fp: string;
  request_id: string;
  /** The job's view as GET /api/v1/download/{id} answered it when the change was recorded. */
  view: unknown;
}

/** Any number: PostgreSQL serialises its appends behind this transaction lock. */
export const JOB_EVENTS_APPEND_LOCK = 0x6a6f6273;

/**
 * The job changes every gateway replica streams (`GET /api/v1/events`), in id order. Ids become
 * visible in the order they are given: an event stream that has read up to id N never sees a
 * smaller id appear later, so "everything after N" is exact on any replica.
 */
@Injectable()
export class JobEventsRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(STORE_KIND) private readonly kind: StoreKind,
  ) {}

  /** Records one change and returns its id. */
  async append(ownerFp: string, requestId: string, view: unknown, at: Date): Promise<number> {
    const row = { api_key_fp: ownerFp, request_id: requestId, view: JSON.stringify(view), recorded_at: at.toISOString() };
    if (this.kind === 'sqlite') {
      // one connection, one writer: ids are committed in the order they are given
      const { id } = await this.db.insertInto('job_events').values(row).returning('id').executeTakeFirstOrThrow();
      return Number(id);
    }
    // an identity value is taken at insert but seen at commit: without the lock, id 7 could
    // commit before id 6 and a reader that saw 7 would skip 6 for ever
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${JOB_EVENTS_APPEND_LOCK})`.execute(trx);
      const { id } = await trx.insertInto('job_events').values(row).returning('id').executeTakeFirstOrThrow();
      return Number(id);
    });
  }

  /** Every owner's changes after `afterId`, oldest first. */
  async after(afterId: number, limit: number): Promise<StoredJobEvent[]> {
    const rows = await this.db.selectFrom('job_events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map(toEvent);
  }

  /** One owner's changes after `afterId`, oldest first. */
  async ownerAfter(ownerFp: string, afterId: number, limit: number): Promise<StoredJobEvent[]> {
    const rows = await this.db
      .selectFrom('job_events')
      .selectAll()
      .where('api_key_fp', '=', ownerFp)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** The oldest and newest ids kept, or undefined while there are none. */
  async bounds(): Promise<{ oldest: number; newest: number } | undefined> {
    const r = await this.db
      .selectFrom('job_events')
      .select((eb) => [eb.fn.min('id').as('oldest'), eb.fn.max('id').as('newest')])
      .executeTakeFirst();
    if (r?.oldest === null || r?.oldest === undefined || r.newest === null) return undefined;
    return { oldest: Number(r.oldest), newest: Number(r.newest) };
  }

  /**
   * Drops changes recorded before `before` and all but the newest `keep`. The newest row always
   * stays: it tells a client's id from the future (another store) from one that was pruned.
   */
  async prune(before: Date, keep: number): Promise<number> {
    const b = await this.bounds();
    if (!b) return 0;
    const result = await this.db
      .deleteFrom('job_events')
      .where('id', '<', b.newest)
      .where((eb) => eb.or([eb('recorded_at', '<', before.toISOString()), eb('id', '<=', b.newest - keep)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toEvent(r: { id: number | string; api_key_fp: string; request_id: string; view: string }): StoredJobEvent {
  return { id: Number(r.id), api_key_fp: r.api_key_fp, request_id: r.request_id, view: JSON.parse(r.view) as unknown };
}
