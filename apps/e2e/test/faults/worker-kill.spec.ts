import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { AuditTap } from './support/broker';
import { finishedBy, startedBy, submit, waitAllFinal } from './support/jobs';
import { computeLedger, printLedger } from './support/ledger';
import { Receiver } from './support/receiver';
import { Replica } from './support/replica';

/** Fault 1: a worker SIGKILLed mid-download; its jobs go back to the queue and finish on another worker. */
describe('fault: worker killed mid-download', () => {
  let sys: TestSystem;
  let other: Replica;
  let receiver: Receiver;
  let media: MediaServer;
  let tap: AuditTap;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { WORKER_CONCURRENCY: '2' } });
    other = await Replica.start(sys, 'downloader-worker');
    await other.waitConsuming('consuming download jobs');
    tap = await AuditTap.start(sys.vhost);
    receiver = await Receiver.start(sys.apiKey);
    clip = await makeClip({ seconds: 3, title: 'Kill Clip' });
    // about 4 s per download, so the kill lands mid-transfer
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 4) });
  }, 90_000);

  afterAll(async () => {
    await other?.kill('SIGTERM');
    await receiver?.close();
    await media?.close();
    await sys?.stop();
  }, 60_000);

  it('completes every job on the surviving worker, each event delivered', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await submit(sys, media.urlFor(clip), receiver.url);
      expect(r.status).toBe(202);
      ids.push(r.id!);
    }
    const victim = sys.apps.get('downloader-worker')!;
    // kill the first worker once it is in the middle of at least one of these downloads
    const onVictim = await waitFor(
      () => {
        const mine = startedBy(victim.output).filter((id) => ids.includes(id));
        return mine.length > 0 ? mine : undefined;
      },
      { timeoutMs: 20_000, what: 'a download running on the first worker' },
    );
    expect(finishedBy(victim.output).filter((id) => onVictim.includes(id))).toEqual([]);
    const code = await sys.kill('downloader-worker', 'SIGKILL');
    expect(code).toBeNull(); // killed by the signal, no chance to clean up

    const final = await waitAllFinal(sys, ids, 60_000);
    expect([...final.values()]).toEqual(ids.map(() => 'completed'));
    // the killed worker's jobs were redelivered to and finished by the other one
    for (const id of onVictim) expect(finishedBy(other.output)).toContain(id);
    for (const id of ids) {
      const job = (await sys.api('GET', `/api/v1/download/${id}`)).body;
      expect(readFileSync(join(sys.storageDir, job.file_info.filepath)).equals(readFileSync(clip))).toBe(true);
    }
    await waitFor(() => ids.every((id) => receiver.delivered().some((r) => r.requestId === id && r.event === 'download.completed')), {
      timeoutMs: 20_000,
      what: 'completed webhooks',
    });
    const ledger = computeLedger('1 worker SIGKILL mid-download', ids, final, await tap.drain(), receiver.receipts);
    printLedger(ledger, { killed_jobs: onVictim.length });
    expect(ledger.sent).toBeGreaterThanOrEqual(ids.length * 2);
    expect(ledger.lost).toBe(0);
    expect(receiver.receipts.every((r) => r.verified)).toBe(true);
  }, 120_000);
});
