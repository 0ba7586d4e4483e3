import { waitFor } from '@mda/testing';
import { faultRigPerSuite } from './support/rig';
import { statuses, submit, waitAllFinal } from './support/jobs';
import { printLedger, settleLedger } from './support/ledger';

const DOWN_MS = 20_000;
// retries wait 1+2+4+8+16 = 31 s in all: the budget covers a 20 s outage
const MAX_RETRIES = 5;

/** Fault 4: the receiver refuses connections for 20 s, then comes back. */
describe('fault: webhook receiver down for 20 s', () => {
  const rig = faultRigPerSuite({ env: { WEBHOOK_MAX_RETRIES: String(MAX_RETRIES) }, clip: { seconds: 2, title: 'Receiver Down Clip' } });

  it('delivers everything within the retry budget once the receiver is back', async () => {
    const { sys, tap, receiver, media, clip } = rig();
    await receiver.down();
    const downAt = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await submit(sys, media.urlFor(clip), receiver.url);
      expect(r.status).toBe(202);
      ids.push(r.id!);
    }
    await waitAllFinal(sys, ids, 30_000);
    // the outage itself is the fault under test: it lasts a fixed time
    await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - (Date.now() - downAt))));
    expect(receiver.receipts).toHaveLength(0);
    await receiver.up();
    const upAt = Date.now();

    const ledger = await settleLedger(
      '4 receiver down 20 s',
      ids,
      () => statuses(sys, ids),
      () => tap.drain(),
      receiver.receipts,
      45_000,
    );
    const lastDelivery = Math.max(...receiver.delivered().map((r) => r.at));
    const attempts = receiver.receipts.map((r) => r.attempt);
    printLedger(ledger, { retries_max: MAX_RETRIES, highest_attempt: Math.max(...attempts), delivered_s_after_up: ((lastDelivery - upAt) / 1000).toFixed(1) });
    expect(ledger.lost).toBe(0);
    expect(ledger.delivered + ledger.dead + ledger.dropped).toBe(ledger.sent);
    expect(ledger.delivered).toBeGreaterThanOrEqual(ids.length * 2);
    // the first attempts failed while the receiver was down: these came from the retry tiers
    expect(Math.min(...receiver.delivered().map((r) => r.attempt))).toBeGreaterThanOrEqual(2);
    // within the budget: the last retry of the earliest event is due 31 s after its first attempt
    expect(lastDelivery - downAt).toBeLessThan(45_000);
    // dead letters (none expected here) would be visible on webhooks.dead
    await waitFor(async () => (await sys.vhost.queueDepth('webhooks.dead')) === ledger.dead, { what: 'webhooks.dead holds the dead letters' });
  }, 150_000);
});
