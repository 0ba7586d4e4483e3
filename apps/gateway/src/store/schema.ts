import type { Generated } from 'kysely';
import type { WebhookEventName } from '@mda/contracts';
import type { SettingsTable } from '@mda/file-links';

/** Timestamps are ISO 8601 strings and structured fields JSON text, the same on both backends. */
export interface JobsTable {
  request_id: string;
  api_key_fp: string;
  url: string;
  status: string;
  options: string;
  webhook_url: string | null;
  batch_id: string | null;
  progress: string | null;
  file_info: string | null;
  metadata: string | null;
  error: string | null;
  error_code: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  /** The job this one retries (POST /download/{id}/retry). */
  retry_of: string | null;
  /** When the files were removed (deleted by request or expired); the job record stays. */
  file_deleted_at: string | null;
  /** `deleted` or `expired`. */
  file_deleted_reason: string | null;
  /** When the retention removes the files (set at completion when a retention applies). */
  expires_at: string | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  event_id: string;
  request_id: string | null;
  batch_id: string | null;
  event: string;
  url: string;
  attempt: number;
  outcome: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_body: string | null;
  next_retry_in_sec: number | null;
  attempted_at: string;
  redelivery: number;
}

/** The last delivery of each event (its exact body), kept so it can be redelivered. */
export interface WebhookEventsTable {
  event_id: string;
  request_id: string | null;
  batch_id: string | null;
  /** Only ever written from a checked `webhook.attempted` message. */
  event: WebhookEventName;
  url: string;
  key_fp: string;
  body: string;
  created_at: string;
  state: string;
  updated_at: string;
}

export interface JobLogsTable {
  id: Generated<number>;
  request_id: string;
  at: string;
  line: string;
}

/** A batch of downloads (batch endpoint, playlists, channels); its children are jobs with its batch_id. */
export interface BatchesTable {
  batch_id: string;
  api_key_fp: string;
  kind: string;
  source_url: string | null;
  concurrent_limit: number;
  stop_on_error: number;
  webhook_url: string | null;
  total: number;
  /** Bumped by every release, so replicas never release the same slot twice. */
  version: number;
  cancelled_at: string | null;
  /** Set by the replica that publishes batch.completed (taken over if it never finishes). */
  completing_at: string | null;
  /** Set once batch.completed is confirmed by the broker. */
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Order and release state of a batch's children (claimed = allowed to run; published = command confirmed). */
export interface BatchChildrenTable {
  request_id: string;
  batch_id: string;
  position: number;
  claimed_at: string | null;
  published_at: string | null;
}

/** Uploaded cookies, sealed with COOKIE_ENCRYPTION_KEY; only metadata ever leaves this table. */
export interface CookiesTable {
  id: string;
  api_key_fp: string;
  name: string;
  sealed: string;
  cookie_count: number;
  domains: string;
  created_at: string;
}

/** What each API key has downloaded (skip_downloaded): sha256 of the media URL. */
export interface DownloadArchiveTable {
  api_key_fp: string;
  archive_key: string;
  request_id: string;
  recorded_at: string;
}

/** Every stored file of a completed job (the media file, later its sidecars), by path: who owns it. */
export interface JobFilesTable {
  path: string;
  request_id: string;
  api_key_fp: string;
  /** The file's size as the worker reported it (null for rows made before 0111). */
  size_bytes: number | null;
}

/**
 * Durable due-times (subscription checks, file expiries). A row is claimed by one replica at a
 * time with a lease (`lease_token` until `lease_until`); an expired lease is taken over.
 */
export interface ScheduledTasksTable {
  task_id: string;
  kind: string;
  ref: string;
  due_at: string;
  lease_token: string | null;
  lease_until: string | null;
  /** Failed runs in a row (the backoff grows with it; a success resets it). */
  failures: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionsTable {
  subscription_id: string;
  api_key_fp: string;
  url: string;
  /** Filters of channel download and the download options of a job, as JSON. */
  filters: string;
  options: string;
  webhook_url: string | null;
  check_interval_sec: number;
  backfill: string;
  paused: number;
  title: string | null;
  last_check_at: string | null;
  last_status: string | null;
  created_at: string;
  updated_at: string;
}

/** Every check of a subscription: when, what it saw, what it started, what went wrong. */
export interface SubscriptionChecksTable {
  check_id: string;
  subscription_id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  items_seen: number;
  new_items: number;
  request_ids: string;
  error: string | null;
}

/**
 * Items a subscription has taken (or, at creation, chose to leave): one row per item key, so a
 * concurrent or repeated check never starts the same item twice. `request_id` is null until its
 * job is stored (a check that died in between is finished by the next one holding the lease).
 */
export interface SubscriptionItemsTable {
  subscription_id: string;
  item_key: string;
  url: string;
  title: string | null;
  state: string;
  request_id: string | null;
  check_id: string | null;
  recorded_at: string;
}

/**
 * Job changes as the event streams send them (`GET /api/v1/events`): the job's view (JSON) after
 * the store applied an event. `id` is the stream's event id on every replica; bounded by the
 * scheduler's prune (by age and count).
 */
export interface JobEventsTable {
  id: Generated<number>;
  api_key_fp: string;
  request_id: string;
  view: string;
  recorded_at: string;
}

export interface Database {
  jobs: JobsTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_events: WebhookEventsTable;
  job_logs: JobLogsTable;
  batches: BatchesTable;
  batch_children: BatchChildrenTable;
  cookies: CookiesTable;
  download_archive: DownloadArchiveTable;
  job_files: JobFilesTable;
  scheduled_tasks: ScheduledTasksTable;
  subscriptions: SubscriptionsTable;
  subscription_checks: SubscriptionChecksTable;
  subscription_items: SubscriptionItemsTable;
  settings: SettingsTable;
  job_events: JobEventsTable;
}
