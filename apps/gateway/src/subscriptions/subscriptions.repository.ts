import { Inject, Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { ChannelFilter } from '../batches/channel-filter';
import type { BatchControlDto } from '../batches/dto/batch-control.dto';
import { DATABASE } from '../store/database.tokens';
import type { Database, SubscriptionChecksTable, SubscriptionsTable } from '../store/schema';

/** A channel's bounds (a subscription takes no sort_by) plus the title filters. */
export interface SubscriptionFilters extends Omit<ChannelFilter, 'sort_by'> {
  title_match?: string;
  title_exclude?: string;
}

/** The download options and batch control of its jobs, as given (cookies_id, concurrent_limit …): a batch request's but where events go. */
export type SubscriptionOptions = Omit<BatchControlDto, 'webhook_url'>;

export interface Subscription {
  subscription_id: string;
  api_key_fp: string;
  url: string;
  filters: SubscriptionFilters;
  options: SubscriptionOptions;
  webhook_url: string | null;
  check_interval_sec: number;
  backfill: string;
  paused: boolean;
  title: string | null;
  last_check_at: string | null;
  last_status: string | null;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionCheck {
  check_id: string;
  subscription_id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  items_seen: number;
  new_items: number;
  request_ids: string[];
  error: string | null;
}

export interface PendingItem {
  item_key: string;
  url: string;
  title: string | null;
  request_id: string;
}

function toSubscription(r: SubscriptionsTable): Subscription {
  return {
    ...r,
    filters: JSON.parse(r.filters) as SubscriptionFilters,
    options: JSON.parse(r.options) as SubscriptionOptions,
    paused: Boolean(Number(r.paused)),
    check_interval_sec: Number(r.check_interval_sec),
  };
}

function toCheck(r: SubscriptionChecksTable): SubscriptionCheck {
  return { ...r, items_seen: Number(r.items_seen), new_items: Number(r.new_items), request_ids: JSON.parse(r.request_ids) as string[] };
}

/** Subscriptions, their checks and the items they have taken. */
@Injectable()
export class SubscriptionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async insert(s: Subscription): Promise<void> {
    await this.db
      .insertInto('subscriptions')
      .values({ ...s, filters: JSON.stringify(s.filters), options: JSON.stringify(s.options), paused: s.paused ? 1 : 0 })
      .execute();
  }

  async find(id: string, ownerFp?: string): Promise<Subscription | undefined> {
    let q = this.db.selectFrom('subscriptions').selectAll().where('subscription_id', '=', id);
    if (ownerFp) q = q.where('api_key_fp', '=', ownerFp);
    const r = await q.executeTakeFirst();
    return r ? toSubscription(r) : undefined;
  }

  async list(ownerFp: string, limit: number): Promise<Subscription[]> {
    const rows = await this.db.selectFrom('subscriptions').selectAll().where('api_key_fp', '=', ownerFp).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(toSubscription);
  }

  async update(
    id: string,
    fields: Partial<Pick<Subscription, 'filters' | 'options' | 'webhook_url' | 'check_interval_sec' | 'paused'>>,
    at: string,
  ): Promise<void> {
    await this.db
      .updateTable('subscriptions')
      .set({
        ...(fields.filters ? { filters: JSON.stringify(fields.filters) } : {}),
        ...(fields.options ? { options: JSON.stringify(fields.options) } : {}),
        ...(fields.webhook_url !== undefined ? { webhook_url: fields.webhook_url } : {}),
        ...(fields.check_interval_sec !== undefined ? { check_interval_sec: fields.check_interval_sec } : {}),
        ...(fields.paused !== undefined ? { paused: fields.paused ? 1 : 0 } : {}),
        updated_at: at,
      })
      .where('subscription_id', '=', id)
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('subscription_items').where('subscription_id', '=', id).execute();
      await tx.deleteFrom('subscription_checks').where('subscription_id', '=', id).execute();
      await tx.deleteFrom('subscriptions').where('subscription_id', '=', id).execute();
    });
  }

  /**
   * Takes the items not yet known to the subscription: one row each (the primary key makes a
   * concurrent check's insert of the same item a no-op), with the request id its job will have.
   * Returns the items this call took.
   */
  async takeNew(
    subscriptionId: string,
    items: Array<{ item_key: string; url: string; title: string | null; request_id: string | null; state: 'pending' | 'skipped' }>,
    checkId: string,
    at: string,
  ): Promise<string[]> {
    const taken: string[] = [];
    for (let i = 0; i < items.length; i += 200) {
      const rows = await this.db
        .insertInto('subscription_items')
        .values(items.slice(i, i + 200).map((it) => ({ subscription_id: subscriptionId, ...it, check_id: checkId, recorded_at: at })))
        .onConflict((oc) => oc.columns(['subscription_id', 'item_key']).doNothing())
        .returning('item_key')
        .execute();
      taken.push(...rows.map((r) => r.item_key));
    }
    return taken;
  }

  /** Items taken but whose job is not known to be stored (their check ended before it was). */
  async pending(subscriptionId: string): Promise<PendingItem[]> {
    const rows = await this.db
      .selectFrom('subscription_items')
      .select(['item_key', 'url', 'title', 'request_id'])
      .where('subscription_id', '=', subscriptionId)
      .where('state', '=', 'pending')
      .orderBy('recorded_at')
      .limit(1000)
      .execute();
    return rows.filter((r): r is PendingItem => r.request_id !== null);
  }

  async markQueued(subscriptionId: string, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.db
        .updateTable('subscription_items')
        .set({ state: 'queued' })
        .where('subscription_id', '=', subscriptionId)
        .where('item_key', 'in', keys.slice(i, i + 500))
        .execute();
    }
  }

  async markState(subscriptionId: string, keys: string[], state: 'refused'): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.db
        .updateTable('subscription_items')
        .set({ state })
        .where('subscription_id', '=', subscriptionId)
        .where('item_key', 'in', keys.slice(i, i + 500))
        .execute();
    }
  }

  async recordCheck(c: SubscriptionCheck, subscriptionStatus: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('subscription_checks')
        .values({ ...c, request_ids: JSON.stringify(c.request_ids) })
        .execute();
      await tx
        .updateTable('subscriptions')
        .set({ last_check_at: c.finished_at ?? c.started_at, last_status: subscriptionStatus, updated_at: c.finished_at ?? c.started_at })
        .where('subscription_id', '=', c.subscription_id)
        .execute();
    });
  }

  async checks(subscriptionId: string, limit: number): Promise<SubscriptionCheck[]> {
    const rows = await this.db
      .selectFrom('subscription_checks')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .orderBy('started_at', 'desc')
      .orderBy('check_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toCheck);
  }

  async setTitle(id: string, title: string | null): Promise<void> {
    await this.db.updateTable('subscriptions').set({ title }).where('subscription_id', '=', id).execute();
  }
}
