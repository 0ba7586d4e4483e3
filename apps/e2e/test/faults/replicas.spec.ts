import { statSync } from 'node:fs';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { AuditTap } from './support/broker';
import { jsonLines, statuses, submit, waitAllFinal } from './support/jobs';
import { printLedger, settleLedger } from './support/ledger';
import { Receiver } from './support/receiver';
import { Replica } from './support/replica';

const JOBS = 12;
const DOWNLOAD_SEC = 1.5;

/**
 * Fault 5: three worker replicas on one queue. Each job is processed exactly once (one
 * download.started and one download.completed per request id, across all replicas), and the
 * same batch is timed with one replica and with three (WORKER_CONCURRENCY=1 each).
 */
describe('fault: three worker replicas on one queue', () => {
  let sys: TestSystem;
  const extra: Replica[] = [];
  let receiver: Receiver;
  let media: MediaServer;
  let tap: AuditTap;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { WORKER_CONCURRENCY: '1' } });
    tap = await AuditTap.start(sys.vhost);
    receiver = await Receiver.start(sys.apiKey);
    clip = await makeClip({ seconds: 3, title: 'Replica Clip' });
    // each download takes about 1.5 s: the source, not the CPU, sets the pace per job
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / DOWNLOAD_SEC) });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(extra.map((r) => r.kill('SIGTERM')));
    await receiver?.close();
    await media?.close();
    await sys?.stop();
  }, 60_000);

  async function batch(): Promise<{ ids: string[]; seconds: number }> {
    const t0 = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const r = await submit(sys, media.urlFor(clip), receiver.url);
      expect(r.status).toBe(202);
      ids.push(r.id!);
    }
    const final = await waitAllFinal(sys, ids, 120_000);
    expect([...final.values()].every((s) => s === 'completed')).toBe(true);
    return { ids, seconds: (Date.now() - t0) / 1000 };
  }

  it('processes each job once and scales throughput with replicas', async () => {
    const one = await batch();
    for (let i = 0; i < 2; i++) {
      const r = await Replica.start(sys, 'downloader-worker', { WORKER_CONCURRENCY: '1' });
      await r.waitConsuming('consuming download jobs');
      extra.push(r);
    }
    const three = await batch();

    // a worker logs a job's end after the broker confirmed its final event, so the gateway can
    // report the job final a moment before that line reaches us: wait for the lines, then count
    const outputsNow = () => [sys.logsOf('downloader-worker'), ...extra.map((r) => r.output)];
    await waitFor(
      () => {
        const done = new Set(
          outputsNow()
            .flatMap((o) => jsonLines(o))
            .filter((l) => l.event === 'download.completed')
            .map((l) => l.request_id),
        );
        return three.ids.every((id) => done.has(id));
      },
      { timeoutMs: 10_000, what: 'a download.completed log line for every job' },
    );
    const outputs = outputsNow();
    const perReplica = outputs.map((o) => jsonLines(o).filter((l) => l.event === 'download.completed' && three.ids.includes(l.request_id)).length);
    for (const id of three.ids) {
      const lines = outputs.flatMap((o) => jsonLines(o)).filter((l) => l.request_id === id);
      expect(lines.filter((l) => l.event === 'download.started')).toHaveLength(1);
      expect(lines.filter((l) => l.event === 'download.completed')).toHaveLength(1);
    }
    // every replica took a share
    expect(perReplica.every((n) => n > 0)).toBe(true);
    const ids = [...one.ids, ...three.ids];
    const ledger = await settleLedger(
      '5 three replicas',
      ids,
      () => statuses(sys, ids),
      () => tap.drain(),
      receiver.receipts,
      30_000,
    );
    const jobsPerMin = (s: number) => ((JOBS / s) * 60).toFixed(1);
    printLedger(ledger, {
      jobs_1_replica_s: one.seconds.toFixed(1),
      jobs_3_replicas_s: three.seconds.toFixed(1),
      per_min_1: jobsPerMin(one.seconds),
      per_min_3: jobsPerMin(three.seconds),
      speedup: (one.seconds / three.seconds).toFixed(2),
      share: perReplica.join('/'),
    });
    expect(ledger.lost).toBe(0);
    expect(ledger.duplicates).toBe(0);
    expect(three.seconds).toBeLessThan(one.seconds);
  }, 240_000);
});
