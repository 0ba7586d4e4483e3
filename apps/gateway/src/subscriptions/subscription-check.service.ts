import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, IdGenerator, ListingEntry, ROUTING_KEYS, SubscriptionChecked } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { listingSource } from '../batches/listing-source';
import { BatchesService } from '../batches/batches.service';
import { Listings } from '../batches/listings.service';
import { filterEntries } from '../batches/channel-filter';
import { GATEWAY_LOGGER } from '../common/tokens';
import { archiveKey, DownloadArchiveRepository } from '../store/download-archive.repository';
import { ScheduledTask } from '../scheduler/scheduled-tasks.repository';
import { SchedulerService, TaskHandler, TaskOutcome } from '../scheduler/scheduler.service';
import { jitteredIntervalMs } from '../scheduler/timing';
import { JobsRepository } from '../store/jobs.repository';
import { SubscriptionMetrics } from './subscription.metrics';
import { PendingItem, Subscription, SubscriptionCheck, SubscriptionFilters, SubscriptionsRepository } from './subscriptions.repository';
import { ApiError, ERROR_CODES } from '../common/api-error';

/** The batch path's 400s (a refused address, an invalid URL): the item can never be queued as it is. */
function isRefusal(err: unknown): boolean {
  return err instanceof ApiError && ERROR_CODES[err.code] === 400;
}

export const SUBSCRIPTION_CHECK_TASK = 'subscription-check';
export type CheckTrigger = 'schedule' | 'manual' | 'create';

export function checkTaskId(subscriptionId: string): string {
  return `sub:${subscriptionId}`;
}

export function randomId(prefix: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return prefix + [...randomBytes(16)].map((b) => alphabet[b % 36]).join('');
}

/** The channel-download filters, then the title matches (case-insensitive substrings), one entry per URL. */
export function selectEntries(entries: ListingEntry[], f: SubscriptionFilters): ListingEntry[] {
  const seen = new Set<string>();
  const match = f.title_match?.toLowerCase();
  const exclude = f.title_exclude?.toLowerCase();
  return filterEntries(entries, f).filter((e) => {
    if (seen.has(e.url)) return false;
    seen.add(e.url);
    const title = (e.title ?? '').toLowerCase();
    if (match && !title.includes(match)) return false;
    if (exclude && title.includes(exclude)) return false;
    return true;
  });
}

/** Which of the listed entries a creation downloads: none, all, or the first N. */
function backfillCount(backfill: string, total: number): number {
  if (backfill === 'all') return total;
  if (backfill === 'none') return 0;
  return Math.min(Number(backfill), total);
}

/**
 * One check of a subscription: lists the source through a worker, takes the items it has never
 * taken (one row per item: concurrent or repeated checks cannot take one twice), skips what the
 * key's archive already has, and queues the rest as one batch through the batch path with request
 * ids fixed beforehand (so a check that died between taking and storing is finished by the next
 * one, never doubled). Records the check and announces `subscription.checked` when something was
 * new or it failed. Scheduled checks run under the scheduler's lease, exactly once across replicas.
 */
@Injectable()
export class SubscriptionCheckService implements TaskHandler, OnModuleInit {
  constructor(
    private readonly subs: SubscriptionsRepository,
    private readonly scheduler: SchedulerService,
    private readonly listings: Listings,
    private readonly batches: BatchesService,
    private readonly archive: DownloadArchiveRepository,
    private readonly jobs: JobsRepository,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly metrics: SubscriptionMetrics,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(SUBSCRIPTION_CHECK_TASK, this);
  }

  nextDue(sub: Pick<Subscription, 'check_interval_sec'>): Date {
    return new Date(this.clock.now().getTime() + jitteredIntervalMs(sub.check_interval_sec * 1000));
  }

  async run(task: ScheduledTask): Promise<TaskOutcome> {
    const sub = await this.subs.find(task.ref);
    if (!sub) return { next: 'done' };
    if (sub.paused) return { next: 'at', at: this.nextDue(sub) };
    this.metrics.checkLag(Math.max(0, this.clock.now().getTime() - Date.parse(task.due_at)) / 1000);
    const check = await this.check(sub, 'schedule');
    // a failed check is recorded; the scheduler's backoff decides when to try again
    if (check.status === 'failed') throw new Error(check.error ?? 'check failed');
    return { next: 'at', at: this.nextDue(sub) };
  }

  /**
   * Runs one check and records it. A listing that fails gives a failed check (recorded and
   * announced), except at creation, where the error goes to the caller and nothing is kept.
   */
  async check(sub: Subscription, trigger: CheckTrigger): Promise<SubscriptionCheck> {
    const checkId = randomId('chk_');
    const startedAt = this.clock.now().toISOString();
    const who = { fingerprint: sub.api_key_fp };
    let seen = 0;
    let requestIds: string[] = [];
    let error: string | null = null;
    /** Items refused and left out: the check is ok, but says so (and is announced). */
    let note: string | null = null;
    try {
      const list = await this.listings.listing(sub.url, who, sub.options.cookies_id ?? null);
      if (trigger === 'create' || (list.title && list.title !== sub.title)) await this.subs.setTitle(sub.subscription_id, list.title ?? null);
      const entries = selectEntries(list.entries, sub.filters);
      seen = entries.length;
      const downloadCount = trigger === 'create' ? backfillCount(sub.backfill, entries.length) : entries.length;
      const known =
        trigger === 'create'
          ? new Set<string>()
          : await this.archive.downloaded(
              sub.api_key_fp,
              entries.map((e) => e.url),
            );
      const items = entries.map((e, i) => {
        const take = i < downloadCount && !known.has(e.url);
        return {
          item_key: archiveKey(e.url),
          url: e.url,
          title: e.title,
          request_id: take ? this.ids.requestId() : null,
          state: take ? ('pending' as const) : ('skipped' as const),
        };
      });
      await this.subs.takeNew(sub.subscription_id, items, checkId, startedAt);
      const submitted = await this.submitPending(sub, { title: list.title, uploader: list.uploader, entries: list.entries });
      requestIds = submitted.requestIds;
      note = submitted.refused;
    } catch (err) {
      if (trigger === 'create') throw err;
      error = (err as Error).message ?? String(err);
    }
    const check: SubscriptionCheck = {
      check_id: checkId,
      subscription_id: sub.subscription_id,
      trigger,
      status: error ? 'failed' : 'ok',
      started_at: startedAt,
      finished_at: this.clock.now().toISOString(),
      items_seen: seen,
      new_items: requestIds.length,
      request_ids: requestIds,
      error: error ?? note,
    };
    await this.subs.recordCheck(check, check.status);
    this.metrics.checked(error ? 'failed' : 'ok', requestIds.length);
    this.logger.info(
      {
        subscription_id: sub.subscription_id,
        check_id: checkId,
        trigger,
        status: check.status,
        items_seen: seen,
        new_items: requestIds.length,
        ...(error ? { err: error } : {}),
      },
      'subscription checked',
    );
    if ((requestIds.length > 0 || check.error) && sub.webhook_url) await this.announce(sub, check);
    return check;
  }

  /**
   * Queues the subscription's taken items whose jobs are not stored yet (this check's and any a
   * dead check left). An item the batch path refuses (400: a forbidden address, an invalid URL) is
   * marked refused and left out, so it never blocks the items after it; the rest are queued.
   */
  private async submitPending(
    sub: Subscription,
    listing: { title: string | null; uploader: string | null; entries: ListingEntry[] },
  ): Promise<{ requestIds: string[]; refused: string | null }> {
    const pending = await this.subs.pending(sub.subscription_id);
    if (pending.length === 0) return { requestIds: [], refused: null };
    const stored = new Set<string>();
    for (const p of pending) if (await this.jobs.find(p.request_id)) stored.add(p.request_id);
    const todo = pending.filter((p) => !stored.has(p.request_id));
    const byUrl = new Map(listing.entries.map((e) => [e.url, e]));
    const control = { ...sub.options, webhook_url: sub.webhook_url ?? undefined };
    const queue = (items: PendingItem[]) =>
      this.batches.createBatch(
        {
          kind: 'subscription',
          sourceUrl: sub.url,
          urls: items.map((p) => p.url),
          control,
          sources: items.map((p) => (byUrl.has(p.url) ? listingSource('channel', listing, byUrl.get(p.url)!) : null)),
          requestIds: items.map((p) => p.request_id),
          announceCompletion: false,
        },
        { fingerprint: sub.api_key_fp },
      );
    const refused: PendingItem[] = [];
    let reason: string | null = null;
    if (todo.length > 0) {
      try {
        await queue(todo);
      } catch (err) {
        if (!isRefusal(err)) throw err;
        // which ones: each alone (a refusal stores nothing)
        for (const p of todo) {
          try {
            await queue([p]);
          } catch (one) {
            if (!isRefusal(one)) throw one;
            refused.push(p);
            reason = (one as Error).message;
          }
        }
      }
    }
    const refusedKeys = new Set(refused.map((p) => p.item_key));
    await this.subs.markQueued(
      sub.subscription_id,
      pending.filter((p) => !refusedKeys.has(p.item_key)).map((p) => p.item_key),
    );
    if (refused.length > 0) {
      await this.subs.markState(sub.subscription_id, [...refusedKeys], 'refused');
      this.logger.warn({ subscription_id: sub.subscription_id, refused: refused.length, err: reason }, 'subscription items refused');
    }
    return {
      requestIds: todo.filter((p) => !refusedKeys.has(p.item_key)).map((p) => p.request_id),
      refused: refused.length ? `${refused.length} item(s) refused and left out: ${reason}` : null,
    };
  }

  private async announce(sub: Subscription, check: SubscriptionCheck): Promise<void> {
    const data: SubscriptionChecked = {
      subscription_id: sub.subscription_id,
      check_id: check.check_id,
      url: sub.url,
      trigger: check.trigger as CheckTrigger,
      status: check.status as 'ok' | 'failed',
      items_seen: check.items_seen,
      new_items: check.new_items,
      request_ids: check.request_ids.slice(0, 1000),
      error: check.error,
      checked_at: check.finished_at ?? check.started_at,
      webhook: { url: sub.webhook_url!, key_fp: sub.api_key_fp },
    };
    try {
      await this.events.publish(ROUTING_KEYS.subscriptionChecked, data, sub.subscription_id, { id: `evt_${check.check_id}` });
    } catch (err) {
      // the check and its jobs are stored; the announcement is what is lost, and it is logged
      this.logger.error({ subscription_id: sub.subscription_id, check_id: check.check_id, err: (err as Error).message }, 'subscription.checked not published');
    }
  }
}
