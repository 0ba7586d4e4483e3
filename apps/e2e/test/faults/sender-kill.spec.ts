import { waitFor } from '@mda/testing';
import { faultRigPerSuite } from './support/rig';
import { statuses, submit, waitAllFinal } from './support/jobs';
import { printLedger, settleLedger } from './support/ledger';

/** Fault 2: the sender SIGKILLed while deliveries wait in the retry tiers; a new sender delivers them all. */
describe('fault: sender killed while deliveries wait in retry tiers', () => {
  const rig = faultRigPerSuite({ env: { WEBHOOK_MAX_RETRIES: '5' }, clip: { seconds: 2, title: 'Sender Kill Clip' } });

  it('delivers every event after the restart, none dead', async () => {
    const { sys, tap, receiver, media, clip } = rig();
    receiver.mode = 'fail503';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await submit(sys, media.urlFor(clip), receiver.url);
      expect(r.status).toBe(202);
      ids.push(r.id!);
    }
    await waitAllFinal(sys, ids, 30_000);
    // every job's final event has failed at least once, and retries are under way
    await waitFor(() => ids.every((id) => receiver.receipts.some((r) => r.requestId === id && r.event === 'download.completed')), {
      timeoutMs: 20_000,
      what: 'first attempts of the completed events',
    });
    await waitFor(() => receiver.receipts.some((r) => r.attempt >= 2), { timeoutMs: 10_000, what: 'a retry' });
    expect(await sys.kill('webhook-sender', 'SIGKILL')).toBeNull();
    // counted once the sender is dead: a POST it had already sent may still land as it dies
    const seenBeforeKill = receiver.receipts.length;
    receiver.mode = 'ok';

    // while no sender runs, the tiers hand deliveries back to webhooks.deliver, where they wait
    const waiting = await waitFor(
      async () => {
        const n = await sys.vhost.queueDepth('webhooks.deliver');
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 20_000, what: 'deliveries back in webhooks.deliver' },
    );
    expect(receiver.receipts.length).toBe(seenBeforeKill);

    await sys.startApp('webhook-sender');
    await sys.waitReady();
    const ledger = await settleLedger(
      '2 sender SIGKILL in retry',
      ids,
      () => statuses(sys, ids),
      () => tap.drain(),
      receiver.receipts,
      60_000,
    );
    printLedger(ledger, { waiting_at_restart: waiting, attempts: receiver.receipts.length });
    expect(ledger.lost).toBe(0);
    expect(ledger.dead).toBe(0);
    // progress retries that outlive their job are dropped by design (recorded as "dropped"); everything else arrives
    expect(ledger.delivered + ledger.dropped).toBe(ledger.sent);
    for (const id of ids) {
      for (const event of ['download.started', 'download.completed']) {
        expect(receiver.delivered().some((r) => r.requestId === id && r.event === event)).toBe(true);
      }
    }
    expect(ledger.sent).toBeGreaterThanOrEqual(ids.length * 2);
    expect(receiver.receipts.every((r) => r.verified)).toBe(true);
  }, 150_000);
});
