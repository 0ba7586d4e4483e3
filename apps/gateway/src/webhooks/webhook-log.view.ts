import type { AttemptRow, EventRow } from '../store/webhook-log.repository';

/** One attempt as GET /api/v1/download/{id}/webhooks shows it. */
export function attemptView(a: AttemptRow) {
  const next = a.next_retry_in_sec === null ? null : new Date(Date.parse(a.attempted_at) + a.next_retry_in_sec * 1000).toISOString();
  return {
    webhook_id: a.event_id,
    event: a.event,
    url: a.url,
    attempt: a.attempt,
    redelivery: a.redelivery,
    outcome: a.outcome,
    status_code: a.status_code,
    error: a.error,
    duration_ms: a.duration_ms,
    response_body: a.response_body,
    attempted_at: a.attempted_at,
    next_retry_at: next,
  };
}

/** One event (one X-Webhook-Id) and where its delivery stands. */
export function eventView(e: EventRow, attempts: AttemptRow[]) {
  return {
    webhook_id: e.event_id,
    event: e.event,
    state: e.state,
    attempts: attempts.filter((a) => a.event_id === e.event_id).length,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}
