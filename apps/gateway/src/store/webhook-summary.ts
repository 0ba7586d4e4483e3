/**
 * Where a job's webhook events stand, counted by state: what the dashboard's list needs to flag a
 * job whose deliveries are failing without fetching each job's delivery log.
 */
export interface WebhookSummary {
  events: number;
  delivered: number;
  /** Waiting for a retry, or queued again by a redelivery. */
  retrying: number;
  /** Retries exhausted or refused for good. */
  dead: number;
}

export const NO_WEBHOOKS: WebhookSummary = { events: 0, delivered: 0, retrying: 0, dead: 0 };

/** Sums `(request_id, state, count)` rows into one summary per job. */
export function summarize(rows: Array<{ request_id: string; state: string; n: number | string | bigint }>): Map<string, WebhookSummary> {
  const out = new Map<string, WebhookSummary>();
  for (const r of rows) {
    const s = out.get(r.request_id) ?? { ...NO_WEBHOOKS };
    const n = Number(r.n);
    s.events += n;
    if (r.state === 'delivered') s.delivered += n;
    else if (r.state === 'retrying' || r.state === 'queued') s.retrying += n;
    else if (r.state === 'dead') s.dead += n;
    out.set(r.request_id, s);
  }
  return out;
}
