/**
 * The library's shapes (issue 15: subscriptions, retry, delete, clear, per-event webhook states):
 * the answers are libs/client's generated types; only what the page sends is written here.
 */
import type { components } from '@mda/client/schema';
import type { DownloadOptions } from './types';

type Schemas = components['schemas'];

/** Counts of a job's webhook events by where their delivery stands. */
export type JobWebhookSummary = Schemas['JobWebhookSummary'];
/** One event (one X-Webhook-Id) of a job and where its delivery stands. */
export type WebhookEventState = Schemas['WebhookEventState'];
export type SubscriptionCheck = Schemas['SubscriptionCheckView'];
export type SubscriptionFilters = Schemas['SubscriptionFiltersView'];
export type Subscription = Schemas['SubscriptionView'];
export type Backfill = Subscription['backfill'];
export type ClearedDownloads = Schemas['ClearedDownloads'];
export type RetriedFailed = Schemas['RetriedFailed'];

export interface NewSubscription {
  url: string;
  check_interval: number;
  backfill: Backfill;
  filters: SubscriptionFilters;
  options: DownloadOptions;
  paused?: boolean;
}

export type ClearableStatus = 'completed' | 'failed' | 'cancelled';
