/**
 * The library's shapes (issue 15: subscriptions, retry, delete, clear, per-event webhook states)
 * as the page uses them. Kept in this one file so a switch to libs/client's generated types
 * replaces it whole.
 */
import type { DownloadOptions } from './types';

/** Fields the library added to a job. */
export interface JobLibraryFields {
  /** The files were deleted (by request) or expired; the record stays. */
  file_deleted?: boolean;
  /** When the retention removes the files; null: kept. */
  expires_at?: string | null;
  /** The failed or cancelled job this one retries. */
  retry_of?: string | null;
  /** Where the job's webhook events stand (absent on servers that do not say). */
  webhooks?: JobWebhookSummary | null;
}

/** Counts of a job's webhook events by where their delivery stands. */
export interface JobWebhookSummary {
  events: number;
  delivered: number;
  /** Waiting for a retry, or queued again by a redelivery. */
  retrying: number;
  /** Retries exhausted or refused for good. */
  dead: number;
}

/** Fields the library added to file_info once the files are gone. */
export interface FileInfoLibraryFields {
  deleted_at?: string;
  deleted_reason?: 'deleted' | 'expired' | string;
}

export type WebhookEventStateName = 'queued' | 'delivering' | 'retrying' | 'delivered' | 'dead' | 'dropped';

/** One event (one X-Webhook-Id) of a job and where its delivery stands. */
export interface WebhookEventState {
  webhook_id: string;
  event: string;
  state: WebhookEventStateName | string;
  attempts: number;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionCheck {
  check_id: string;
  subscription_id: string;
  trigger: 'create' | 'schedule' | 'manual' | string;
  status: 'ok' | 'failed' | string;
  started_at: string;
  finished_at: string | null;
  items_seen: number;
  new_items: number;
  request_ids: string[];
  error: string | null;
}

export interface SubscriptionFilters {
  date_after?: string;
  date_before?: string;
  min_duration?: number;
  max_duration?: number;
  min_views?: number;
  max_views?: number;
  title_match?: string;
  title_exclude?: string;
}

export type Backfill = 'none' | 'all' | number;

export interface Subscription {
  subscription_id: string;
  url: string;
  title: string | null;
  /** Seconds between checks. */
  check_interval: number;
  backfill: Backfill | string;
  paused: boolean;
  filters: SubscriptionFilters;
  options: Record<string, unknown>;
  webhook_url: string | null;
  next_check_at: string | null;
  consecutive_failures: number;
  last_check_at: string | null;
  last_status: 'ok' | 'failed' | null | string;
  created_at: string;
  updated_at: string;
  /** Newest first: 20 from GET one, 1 in the list. */
  checks: SubscriptionCheck[];
}

export interface NewSubscription {
  url: string;
  check_interval: number;
  backfill: Backfill;
  filters: SubscriptionFilters;
  options: DownloadOptions;
  paused?: boolean;
}

export interface ClearedDownloads {
  cleared: number;
  request_ids: string[];
  files_removed: number;
  bytes_freed: number;
  more: boolean;
}

export interface RetriedFailed {
  retried: number;
  jobs: Array<{ retry_of: string; request_id: string }>;
  more: boolean;
}

export type ClearableStatus = 'completed' | 'failed' | 'cancelled';
