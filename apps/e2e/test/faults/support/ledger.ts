import type { Receipt } from './receiver';
import type { Tapped } from './broker';

const FINAL = new Set(['download.completed', 'download.failed', 'download.cancelled']);

export interface Ledger {
  case: string;
  /** Jobs the gateway answered 202 for. */
  jobs: number;
  /** Jobs of those without a final status in the store. */
  jobsNotFinal: number;
  /** Distinct webhook events the system published for those jobs (each becomes one X-Webhook-Id). */
  sent: number;
  /** Of those, answered 2xx by the receiver at least once. */
  delivered: number;
  /** Of those, not delivered and dead-lettered to webhooks.dead. */
  dead: number;
  /** Of those, stale progress retries dropped after the job finished (recorded as "dropped"). */
  dropped: number;
  /** Deliveries of an id already delivered, plus lifecycle events published again by a re-run job. */
  duplicates: number;
  /** Events neither delivered nor recorded dead or dropped, plus jobs that never finished. Must be 0. */
  lost: number;
  /** Extra notes (per-id detail is in `lostIds`). */
  lostIds: string[];
}

/**
 * What happened to every event of the accepted jobs, from the broker's own record (the audit
 * tap) and the receiver's: nothing the system published may go missing.
 */
export function computeLedger(name: string, jobIds: string[], finalStatus: Map<string, string>, tapped: Tapped[], receipts: Receipt[]): Ledger {
  const jobs = new Set(jobIds);
  const events = tapped.filter((t) => t.routingKey.startsWith('download.') && jobs.has(t.envelope.data?.request_id) && t.envelope.data?.webhook);
  const sent = new Set(events.map((e) => e.envelope.id));
  const delivered = new Set(receipts.filter((r) => r.status === 200 && sent.has(r.id)).map((r) => r.id));
  const deadIds = new Set(tapped.filter((t) => t.routingKey === 'webhook.dead').map((t) => t.envelope.data.event_id as string));
  // attempt records travel alone (webhook.attempted) or many to a message (webhook.attempted.batch)
  const records = tapped.flatMap((t) =>
    t.routingKey === 'webhook.attempted' ? [t.envelope.data] : t.routingKey === 'webhook.attempted.batch' ? (t.envelope.data.attempts as any[]) : [],
  );
  const droppedIds = new Set(records.filter((a) => a.outcome === 'dropped').map((a) => a.event_id as string));
  const dead = [...sent].filter((id) => !delivered.has(id) && deadIds.has(id));
  const dropped = [...sent].filter((id) => !delivered.has(id) && !deadIds.has(id) && droppedIds.has(id));
  const lostIds = [...sent].filter((id) => !delivered.has(id) && !deadIds.has(id) && !droppedIds.has(id));

  const okReceipts = receipts.filter((r) => r.status === 200 && sent.has(r.id)).length;
  let rerunEvents = 0;
  for (const id of jobs) {
    const mine = events.filter((e) => e.envelope.data.request_id === id);
    const started = mine.filter((e) => e.routingKey === 'download.started').length;
    const finals = mine.filter((e) => FINAL.has(e.routingKey)).length;
    rerunEvents += Math.max(0, started - 1) + Math.max(0, finals - 1);
  }
  const notFinal = jobIds.filter((id) => !['completed', 'failed', 'cancelled'].includes(finalStatus.get(id) ?? ''));
  return {
    case: name,
    jobs: jobIds.length,
    jobsNotFinal: notFinal.length,
    sent: sent.size,
    delivered: delivered.size,
    dead: dead.length,
    dropped: dropped.length,
    duplicates: okReceipts - delivered.size + rerunEvents,
    lost: lostIds.length + notFinal.length,
    lostIds: [...lostIds, ...notFinal.map((id) => `job ${id} not final`)],
  };
}

/** Prints the case's summary table (the suite's report). */
export function printLedger(l: Ledger, extra: Record<string, string | number> = {}): void {
  const cols: Array<[string, string | number]> = [
    ['case', l.case],
    ['jobs', l.jobs],
    ['sent', l.sent],
    ['delivered', l.delivered],
    ['dead', l.dead],
    ['dropped', l.dropped],
    ['duplicates', l.duplicates],
    ['lost', l.lost],
    ...Object.entries(extra),
  ];
  const widths = cols.map(([k, v]) => Math.max(k.length, String(v).length));
  const row = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(
    [row(cols.map(([k]) => k)), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', row(cols.map(([, v]) => String(v)))].join('\n') +
      (l.lostIds.length ? `\nlost: ${l.lostIds.join(', ')}` : ''),
  );
}

/**
 * Polls until every event of the jobs is delivered or recorded dead (lost = 0) or the time is up;
 * returns the last ledger either way, so the test asserts and prints the real figures.
 */
export async function settleLedger(
  name: string,
  jobIds: string[],
  finalStatus: () => Promise<Map<string, string>>,
  drainTap: () => Promise<Tapped[]>,
  receipts: Receipt[],
  timeoutMs: number,
): Promise<Ledger> {
  const tapped: Tapped[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    tapped.push(...(await drainTap()));
    const ledger = computeLedger(name, jobIds, await finalStatus(), tapped, receipts);
    if (ledger.lost === 0 || Date.now() > deadline) return ledger;
    await new Promise((r) => setTimeout(r, 500));
  }
}
