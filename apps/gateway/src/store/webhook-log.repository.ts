import { Inject, Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { DATABASE } from './database.tokens';
import type { WebhookAttempted } from '@mda/contracts';
import type { Database, WebhookAttemptsTable, WebhookEventsTable } from './schema';
import { NO_WEBHOOKS, WebhookSummary, summarize } from './webhook-summary';

/** Where an event stands: the outcome of its latest attempt, or `queued` for a redelivery not yet tried. */
export type WebhookEventState = 'delivered' | 'retrying' | 'dead' | 'dropped' | 'queued';

export type AttemptRow = Omit<WebhookAttemptsTable, 'id'> & { id: number };
export type EventRow = WebhookEventsTable;

/** The gateway's delivery log: every attempt once, and each event's exact body for redelivery. */
@Injectable()
export class WebhookLogRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /**
   * Records one attempt. The same attempt arriving twice (at-least-once) is one row and changes
   * nothing the second time. Returns whether it was new.
   */
  async record(a: WebhookAttempted, nowIso: string): Promise<boolean> {
    return WebhookLogRepository.recordIn(this.db, a, nowIso);
  }

  /**
   * Records many attempts (a sender's batch) in one transaction: all of them or, on an error, none.
   * Returns, in order, whether each was new.
   */
  async recordAll(attempts: readonly WebhookAttempted[], nowIso: string): Promise<boolean[]> {
    return this.db.transaction().execute(async (tx) => {
      const isNew: boolean[] = [];
      for (const a of attempts) isNew.push(await WebhookLogRepository.recordIn(tx, a, nowIso));
      return isNew;
    });
  }

  private static async recordIn(db: Kysely<Database>, a: WebhookAttempted, nowIso: string): Promise<boolean> {
    const redelivery = a.redelivery ?? 0;
    // what an attempt and its event row both say of the event
    const about = { event_id: a.event_id, request_id: a.request_id, batch_id: a.batch_id ?? null, event: a.event, url: a.url };
    const inserted = await db
      .insertInto('webhook_attempts')
      .values({
        ...about,
        attempt: a.attempt,
        outcome: a.outcome,
        status_code: a.status_code,
        error: a.error,
        duration_ms: a.duration_ms,
        response_body: a.response_body,
        next_retry_in_sec: a.next_retry_in_sec,
        attempted_at: a.attempted_at,
        redelivery,
      })
      .onConflict((oc) => oc.columns(['event_id', 'attempt', 'redelivery']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    if (!a.delivery) return true;
    // attempts of one event may be handled out of order: the state is that of the latest one
    const latest = await db
      .selectFrom('webhook_attempts')
      .select('outcome')
      .where('event_id', '=', a.event_id)
      .orderBy('redelivery', 'desc')
      .orderBy('attempt', 'desc')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('webhook_events')
      .values({
        ...about,
        key_fp: a.delivery.key_fp,
        body: a.delivery.body,
        created_at: a.delivery.created_at,
        state: latest.outcome,
        updated_at: nowIso,
      })
      .onConflict((oc) => oc.column('event_id').doUpdateSet({ state: latest.outcome, updated_at: nowIso }))
      .execute();
    return true;
  }

  attempts(requestId: string): Promise<AttemptRow[]> {
    return this.db.selectFrom('webhook_attempts').selectAll().where('request_id', '=', requestId).orderBy('attempted_at').orderBy('id').execute() as Promise<
      AttemptRow[]
    >;
  }

  events(requestId: string, states?: WebhookEventState[]): Promise<EventRow[]> {
    let q = this.db.selectFrom('webhook_events').selectAll().where('request_id', '=', requestId);
    if (states) q = q.where('state', 'in', states);
    return q.orderBy('created_at').orderBy('event_id').execute();
  }

  /** Each job's events counted by state (jobs without events get zeros), in one query. */
  async summaries(requestIds: readonly string[]): Promise<Map<string, WebhookSummary>> {
    if (requestIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('webhook_events')
      .select((eb) => ['request_id', 'state', eb.fn.countAll().as('n')])
      .where('request_id', 'in', [...requestIds])
      .groupBy(['request_id', 'state'])
      .execute();
    const found = summarize(rows as Array<{ request_id: string; state: string; n: number | string | bigint }>);
    return new Map(requestIds.map((id) => [id, found.get(id) ?? { ...NO_WEBHOOKS }]));
  }

  async summary(requestId: string): Promise<WebhookSummary> {
    return (await this.summaries([requestId])).get(requestId) ?? { ...NO_WEBHOOKS };
  }

  /** The number the next redelivery of an event gets (1 for the first). */
  async nextRedelivery(eventId: string): Promise<number> {
    const r = await this.db
      .selectFrom('webhook_attempts')
      .select((eb) => eb.fn.max('redelivery').as('last'))
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return Number(r?.last ?? 0) + 1;
  }

  async setState(eventId: string, state: WebhookEventState, nowIso: string): Promise<void> {
    await this.db.updateTable('webhook_events').set({ state, updated_at: nowIso }).where('event_id', '=', eventId).execute();
  }
}
