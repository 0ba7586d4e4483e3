import type { Generated } from 'kysely';

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
  event: string;
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

export interface Database {
  jobs: JobsTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_events: WebhookEventsTable;
  job_logs: JobLogsTable;
}
