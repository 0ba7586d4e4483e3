import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { SubmitDownload } from '../submissions/submit-download.use-case';
import { UrlPolicy } from '../submissions/url-policy';
import { SchedulerService, TaskBusyError } from '../scheduler/scheduler.service';
import { ScheduledTasksRepository } from '../scheduler/scheduled-tasks.repository';
import { CreateSubscriptionDto, DEFAULT_CHECK_INTERVAL_SEC, MAX_BACKFILL_COUNT, UpdateSubscriptionDto } from './dto/subscription.dto';
import { SUBSCRIPTION_CHECK_TASK, SubscriptionCheckService, checkTaskId, randomId } from './subscription-check.service';
import { Subscription, SubscriptionCheck, SubscriptionFilters, SubscriptionOptions, SubscriptionsRepository } from './subscriptions.repository';

const FILTER_FIELDS = [
  'date_after',
  'date_before',
  'min_duration',
  'max_duration',
  'min_views',
  'max_views',
  'title_match',
  'title_exclude',
] as const satisfies ReadonlyArray<keyof SubscriptionFilters>;
const FILTERS = new Set<PropertyKey>(FILTER_FIELDS);
/** A subscription's own fields: the rest of its request is the options of its jobs. */
const NOT_OPTIONS = new Set<PropertyKey>(['url', 'check_interval', 'backfill', 'paused', 'webhook_url', ...FILTER_FIELDS]);
export const CHECKS_SHOWN = 20;

const isFilter = (key: PropertyKey): key is keyof SubscriptionFilters => FILTERS.has(key);
const isOption = (key: PropertyKey): key is keyof SubscriptionOptions => !NOT_OPTIONS.has(key);

/** The set fields of `dto` that `keep` names, in the request's order. */
function pick<T extends object, K extends keyof T>(dto: T, keep: (key: keyof T) => key is K): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key in dto) if (keep(key) && dto[key] !== undefined) out[key] = dto[key];
  return out;
}

/** Subscriptions of the caller's key: create (with the first check), read, change, pause, remove, check now. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subs: SubscriptionsRepository,
    private readonly checks: SubscriptionCheckService,
    private readonly scheduler: SchedulerService,
    private readonly tasks: ScheduledTasksRepository,
    private readonly urls: UrlPolicy,
    private readonly submission: SubmitDownload,
    private readonly clock: Clock,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  private interval(value: number | undefined): number {
    const sec = value ?? DEFAULT_CHECK_INTERVAL_SEC;
    const min = this.config.subscriptionMinIntervalSec;
    if (sec < min)
      throw new ApiError('validation_error', `check_interval must be at least ${min} seconds`, [{ field: 'check_interval', message: `at least ${min}` }]);
    return sec;
  }

  private backfill(value: unknown): string {
    if (value === undefined || value === 'none') return 'none';
    if (value === 'all') return 'all';
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_BACKFILL_COUNT) return String(value);
    const message = `backfill must be "none", "all" or a whole number from 0 to ${MAX_BACKFILL_COUNT}`;
    throw new ApiError('validation_error', message, [{ field: 'backfill', message }]);
  }

  /** Checks the job options as a download would (the one submit path's checks) before anything is stored. */
  private async assertOptions(options: SubscriptionOptions, who: ApiKeyIdentity): Promise<void> {
    const { concurrent_limit: _c, stop_on_error: _s, ...fields } = options;
    await this.submission.check([], fields, who);
  }

  private assertFilters(f: SubscriptionFilters): void {
    if (f.date_after && f.date_before && f.date_after > f.date_before)
      throw new ApiError('validation_error', 'date_after must not be after date_before', [{ field: 'date_after', message: 'after date_before' }]);
    if (f.min_duration !== undefined && f.max_duration !== undefined && f.min_duration > f.max_duration)
      throw new ApiError('validation_error', 'min_duration must not exceed max_duration', [{ field: 'min_duration', message: 'exceeds max_duration' }]);
    if (f.min_views !== undefined && f.max_views !== undefined && f.min_views > f.max_views)
      throw new ApiError('validation_error', 'min_views must not exceed max_views', [{ field: 'min_views', message: 'exceeds max_views' }]);
  }

  /**
   * Validates everything, lists the source once (the first check: with backfill none it only
   * records what is there now), then stores the subscription and its durable schedule. A source
   * that cannot be listed is the caller's error and nothing is kept.
   */
  async create(dto: CreateSubscriptionDto, who: ApiKeyIdentity) {
    const interval = this.interval(dto.check_interval);
    const backfill = this.backfill(dto.backfill);
    await this.urls.assertReachable(dto.url, 'url');
    if (dto.webhook_url) this.urls.assertAllowed(dto.webhook_url, 'webhook_url');
    const filters: SubscriptionFilters = pick(dto, isFilter);
    this.assertFilters(filters);
    const options: SubscriptionOptions = pick(dto, isOption);
    await this.assertOptions(options, who);
    const now = this.clock.now().toISOString();
    const sub: Subscription = {
      subscription_id: randomId('sub_'),
      api_key_fp: who.fingerprint,
      url: dto.url,
      filters,
      options,
      webhook_url: dto.webhook_url ?? null,
      check_interval_sec: interval,
      backfill,
      paused: dto.paused ?? false,
      title: null,
      last_check_at: null,
      last_status: null,
      created_at: now,
      updated_at: now,
    };
    await this.subs.insert(sub);
    let first: SubscriptionCheck;
    try {
      first = await this.checks.check(sub, 'create');
    } catch (err) {
      await this.subs.remove(sub.subscription_id);
      throw err;
    }
    await this.scheduler.schedule(checkTaskId(sub.subscription_id), SUBSCRIPTION_CHECK_TASK, sub.subscription_id, this.checks.nextDue(sub));
    this.logger.info(
      { subscription_id: sub.subscription_id, event: 'subscription.created', backfill, interval_sec: interval, new_items: first.new_items },
      'subscription created',
    );
    return this.get(sub.subscription_id, who);
  }

  private async own(id: string, who: ApiKeyIdentity): Promise<Subscription> {
    const sub = await this.subs.find(id, who.fingerprint);
    if (!sub) throw new ApiError('not_found', `No subscription with id ${id}`);
    return sub;
  }

  private async view(sub: Subscription, checks: number) {
    const task = await this.tasks.find(checkTaskId(sub.subscription_id));
    const recent = await this.subs.checks(sub.subscription_id, checks);
    return {
      subscription_id: sub.subscription_id,
      url: sub.url,
      title: sub.title,
      check_interval: sub.check_interval_sec,
      backfill: sub.backfill === 'none' || sub.backfill === 'all' ? sub.backfill : Number(sub.backfill),
      paused: sub.paused,
      filters: sub.filters,
      options: sub.options,
      webhook_url: sub.webhook_url,
      next_check_at: sub.paused ? null : (task?.due_at ?? null),
      consecutive_failures: task?.failures ?? 0,
      last_check_at: sub.last_check_at,
      last_status: sub.last_status,
      created_at: sub.created_at,
      updated_at: sub.updated_at,
      checks: recent,
    };
  }

  async get(id: string, who: ApiKeyIdentity) {
    return this.view(await this.own(id, who), CHECKS_SHOWN);
  }

  async list(who: ApiKeyIdentity) {
    const subs = await this.subs.list(who.fingerprint, 500);
    return { subscriptions: await Promise.all(subs.map((s) => this.view(s, 1))) };
  }

  async update(id: string, dto: UpdateSubscriptionDto, who: ApiKeyIdentity) {
    const sub = await this.own(id, who);
    const interval = dto.check_interval !== undefined ? this.interval(dto.check_interval) : undefined;
    if (dto.webhook_url) this.urls.assertAllowed(dto.webhook_url, 'webhook_url');
    const filterChange = pick(dto, isFilter);
    const filters: SubscriptionFilters | undefined = Object.keys(filterChange).length ? { ...sub.filters, ...filterChange } : undefined;
    if (filters) this.assertFilters(filters);
    const optionChange = pick(dto, isOption);
    const options: SubscriptionOptions | undefined = Object.keys(optionChange).length ? { ...sub.options, ...optionChange } : undefined;
    if (options) await this.assertOptions(options, who);
    const now = this.clock.now();
    await this.subs.update(id, { filters, options, webhook_url: dto.webhook_url, check_interval_sec: interval, paused: dto.paused }, now.toISOString());
    const resumed = sub.paused && dto.paused === false;
    if (resumed || interval !== undefined) {
      await this.scheduler.schedule(
        checkTaskId(id),
        SUBSCRIPTION_CHECK_TASK,
        id,
        this.checks.nextDue({ check_interval_sec: interval ?? sub.check_interval_sec }),
      );
    }
    this.logger.info({ subscription_id: id, event: 'subscription.updated', paused: dto.paused }, 'subscription updated');
    return this.get(id, who);
  }

  async remove(id: string, who: ApiKeyIdentity) {
    await this.own(id, who);
    await this.scheduler.cancel(checkTaskId(id));
    await this.subs.remove(id);
    this.logger.info({ subscription_id: id, event: 'subscription.deleted' }, 'subscription deleted');
    return { subscription_id: id, deleted: true };
  }

  /** Checks now, under the same lease as scheduled checks (409 while one runs); the next scheduled check counts from now. */
  async checkNow(id: string, who: ApiKeyIdentity) {
    const sub = await this.own(id, who);
    // a subscription made before its task (or whose task was lost) gets one
    if (!(await this.tasks.find(checkTaskId(id)))) await this.scheduler.schedule(checkTaskId(id), SUBSCRIPTION_CHECK_TASK, id, this.checks.nextDue(sub));
    try {
      return await this.scheduler.runNow(checkTaskId(id), async () => ({ result: await this.checks.check(sub, 'manual'), next: this.checks.nextDue(sub) }));
    } catch (err) {
      if (err instanceof TaskBusyError) throw new ApiError('conflict', `A check of subscription ${id} is running; try again when it ends`);
      throw err;
    }
  }
}
