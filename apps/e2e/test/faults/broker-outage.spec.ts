import { faultRigPerSuite } from './support/rig';
import { blockVhost, unblockVhost } from './support/broker';
import { jsonLines, statuses, submit, waitAllFinal } from './support/jobs';
import { printLedger, settleLedger } from './support/ledger';

const OUTAGE_MS = 8_000;
const FLOW_MS = 16_000;

/**
 * Fault 3: a broker outage while jobs and webhooks flow. The broker is shared with other test
 * runs, so it is never stopped: this vhost alone is cut off (connection limit 0 and every
 * connection closed), which the apps see exactly as a broker restart.
 */
describe('fault: broker outage while jobs and webhooks flow', () => {
  const rig = faultRigPerSuite({ env: { WEBHOOK_MAX_RETRIES: '6' }, clip: { seconds: 3, title: 'Outage Clip' }, downloadSeconds: 2 });

  it('brings every accepted job to a final state and delivers every event', async () => {
    const { sys, tap, receiver, media, clip } = rig();
    const accepted: string[] = [];
    const refused: number[] = [];
    const started = Date.now();
    let outage: Promise<void> | undefined;
    while (Date.now() - started < FLOW_MS) {
      if (!outage && Date.now() - started > 4_000) {
        outage = (async () => {
          await blockVhost(sys.vhost);
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          await unblockVhost(sys.vhost);
        })();
      }
      const r = await submit(sys, media.urlFor(clip), receiver.url);
      if (r.id) accepted.push(r.id);
      else refused.push(r.status);
      await new Promise((r) => setTimeout(r, 300));
    }
    await outage;
    // the gateway answers 503 (and keeps nothing) when the broker cannot take a job
    expect(refused.every((s) => s === 503)).toBe(true);
    expect(accepted.length).toBeGreaterThan(5);

    const final = await waitAllFinal(sys, accepted, 120_000);
    const ledger = await settleLedger(
      '3 broker outage 8 s',
      accepted,
      () => statuses(sys, accepted),
      () => tap.drain(),
      receiver.receipts,
      90_000,
    );
    const phantoms = new Set(receiver.receipts.filter((r) => !accepted.includes(r.requestId)).map((r) => r.requestId));
    const notPublished = ['downloader-worker', 'webhook-sender', 'gateway']
      .flatMap((n) => jsonLines(sys.logsOf(n as 'gateway')))
      .filter((l) => /not published/.test(l.msg ?? '')).length;
    printLedger(ledger, {
      refused_503: refused.length,
      completed: [...final.values()].filter((s) => s === 'completed').length,
      phantom_jobs: phantoms.size,
      progress_unpublished: notPublished,
    });
    expect(ledger.lost).toBe(0);
    expect([...final.values()].every((s) => s === 'completed')).toBe(true);
    expect(receiver.receipts.every((r) => r.verified)).toBe(true);
    // every app noticed and came back
    for (const name of ['gateway', 'downloader-worker', 'webhook-sender'] as const) {
      expect(sys.logsOf(name).some((l) => l.includes('lost RabbitMQ connection'))).toBe(true);
      expect(sys.logsOf(name).filter((l) => l.includes('connected to RabbitMQ')).length).toBeGreaterThanOrEqual(2);
    }
  }, 240_000);
});
