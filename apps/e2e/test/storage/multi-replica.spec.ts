import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { finishedBy, jsonLines, startedBy } from '../faults/support/jobs';
import { computeLedger, printLedger } from '../faults/support/ledger';
import type { Tapped } from '../faults/support/broker';
import { GatewayNode, ReplicaRig, eachLimited, fetchBytes, sha256 } from './support/replica-rig';

const JOBS = 40;
const MIB = 1024 * 1024;
/** Worker uploads through their proxy at this pace during the kill case: the big file takes about 30 s to go up. */
const SLOW_UPLOAD_BPS = 512 * 1024;

/**
 * Issue 14's multi-replica run: two gateways, two workers and two webhook senders as separate
 * processes sharing only RabbitMQ (one vhost), PostgreSQL (one database) and an S3 server (one
 * bucket), each with its own scratch STORAGE_DIR.
 *
 * The kill case: every worker reaches the bucket through a TCP proxy of its own on loopback
 * (its S3_ENDPOINT), which the test slows down to SLOW_UPLOAD_BPS for one large file (three 5 MiB
 * parts). Whichever worker takes the job is killed with SIGKILL once the S3 server lists its
 * multipart upload and part bytes are flowing through that worker's proxy: mid-upload, seen from
 * outside. The job is redelivered to the other worker; the dead one's upload stays behind until
 * the periodic sweep (UPLOAD_SWEEP_INTERVAL_SEC=2, UPLOAD_SWEEP_AGE_SEC=DOWNLOAD_TIMEOUT_SEC=60)
 * aborts it, while the 40 downloads run.
 */
describe('multi-replica run on PostgreSQL and S3', () => {
  let rig: ReplicaRig;
  let media: MediaServer;
  const clips: Array<{ path: string; bytes: Buffer; sha: string }> = [];
  let big: { path: string; bytes: Buffer; sha: string };
  const figures: Record<string, string | number> = {};
  let bytesVerified = 0;
  let killedJob: { id: string; filepath: string } | undefined;
  const jobs: Array<{ id: string; gw: GatewayNode; clip: (typeof clips)[number] }> = [];
  const t0 = Date.now();

  const clip = async (opts: Parameters<typeof makeClip>[0]) => {
    const path = await makeClip(opts);
    const bytes = readFileSync(path);
    return { path, bytes, sha: sha256(bytes) };
  };
  /** Counts the bytes a comparison covered. */
  const same = (got: Buffer, want: Buffer) => {
    if (got.equals(want)) bytesVerified += got.length;
    return got.equals(want);
  };

  beforeAll(async () => {
    // noise does not compress: 1 s clips of 1–4 MiB, and a large one for the kill case
    for (let i = 0; i < 4; i++) clips.push(await clip({ seconds: 1, width: 640, height: 360, noise: 30 + i * 5, title: `Replica Clip ${i}` }));
    big = await clip({ seconds: 5, width: 640, height: 360, noise: 40, title: 'Killed Upload' });
    media = await serveMedia(mediaRoot());
    rig = await ReplicaRig.start({
      WORKER_CONCURRENCY: '2',
      DOWNLOAD_TIMEOUT_SEC: '60',
      UPLOAD_SWEEP_AGE_SEC: '60',
      UPLOAD_SWEEP_INTERVAL_SEC: '2',
      FILES_URL_TTL_SEC: '600',
    });
    figures['start_s'] = ((Date.now() - t0) / 1000).toFixed(1);
  }, 240_000);

  afterAll(async () => {
    await rig?.stop();
    await media?.close();
  }, 90_000);

  it('a worker SIGKILLed mid-upload: no object under the key meanwhile, and the job completes on the other worker with the exact bytes', async () => {
    const started = Date.now();
    expect(big.bytes.length).toBeGreaterThan(10 * MIB); // three parts of 5 MiB: a real multipart upload
    for (const w of rig.workers) w.proxy.setRate(SLOW_UPLOAD_BPS);
    const [gwA] = rig.gateways;
    const id = await rig.submit(gwA, media.urlFor(big.path));

    const victim = await waitFor(() => rig.workers.find((w) => startedBy(w.proc.output).includes(id)), {
      timeoutMs: 60_000,
      what: 'a worker starting the big job',
    });
    const [survivor] = rig.workers.filter((w) => w !== victim);
    const sentBefore = victim.proxy.upstreamBytes();
    // mid-upload, seen from outside: the S3 server lists the multipart upload and part bytes flow
    const uploading = await waitFor(
      async () => {
        const incomplete = await rig.store.incompleteUploads();
        return incomplete.length === 1 && victim.proxy.upstreamBytes() - sentBefore > MIB ? incomplete : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: "the big file's multipart upload under way" },
    );
    expect(await rig.store.list('')).toEqual([]); // nothing under a final key yet
    expect(finishedBy(victim.proc.output)).not.toContain(id);
    figures['kill_upstream_mib'] = ((victim.proxy.upstreamBytes() - sentBefore) / MIB).toFixed(1);

    survivor.proxy.setRate(null);
    const code = await victim.proc.kill('SIGKILL');
    expect(code).toBe(128); // killed by the signal: no chance to abort its upload
    victim.proxy.setRate(null);

    const [view] = (await rig.waitAllFinal([{ id, gw: gwA }], 120_000)).values();
    expect(view.status).toBe('completed');
    expect(finishedBy(survivor.proc.output)).toContain(id);
    const filepath = view.file_info.filepath as string;
    killedJob = { id, filepath };
    expect(view.file_info.size_bytes).toBe(big.bytes.length);
    const object = await rig.store.read(filepath);
    if (!object) throw new Error(`no object under ${filepath}`);
    const stored = Buffer.concat(await object.body.toArray());
    expect(sha256(stored)).toBe(big.sha);
    expect(same(stored, big.bytes)).toBe(true);
    const presigned = await fetchBytes(view.file_info.download_url);
    expect(same(presigned.body, big.bytes)).toBe(true);
    // the dead worker's upload is still there (younger than the sweep age): the sweep's work, checked below
    expect(uploading).toEqual([filepath]);
    // the new object did not replace it: S3 keeps a multipart upload until it is completed or aborted
    const orphans = await rig.store.incompleteUploads();
    figures['orphans_after_kill'] = orphans.length;
    expect(orphans).toEqual([filepath]);
    figures['kill_case_s'] = ((Date.now() - started) / 1000).toFixed(1);

    // like a pod after a crash: the killed worker comes back as a new process on a fresh scratch
    await rig.startWorker(victim);
    figures['killed'] = `worker ${victim.name}`;
  }, 240_000);

  it(`${JOBS} downloads with webhooks across both gateways all complete, and every download_url returns the exact bytes`, async () => {
    const started = Date.now();
    for (let i = 0; i < JOBS; i++) {
      const gw = rig.gateways[i % 2];
      const c = clips[i % clips.length];
      jobs.push({ id: await rig.submit(gw, media.urlFor(c.path)), gw, clip: c });
    }
    const views = await rig.waitAllFinal(jobs, 240_000);
    figures['jobs_s'] = ((Date.now() - started) / 1000).toFixed(1);
    expect(jobs.map((j) => views.get(j.id).status)).toEqual(jobs.map(() => 'completed'));
    // both workers took a share
    const share = rig.workers.map((w) => jobs.filter((j) => finishedBy(w.proc.output).includes(j.id)).length);
    figures['worker_share'] = share.join('/');
    expect(share.every((n) => n > 0)).toBe(true);

    const [gwA, gwB] = rig.gateways;
    const key = { 'x-api-key': rig.sys.apiKey };
    await eachLimited(jobs, 4, async ({ id, clip: c }) => {
      // gateway A: a presigned GET on the bucket
      const onA = (await rig.api(gwA, 'GET', `/api/v1/download/${id}`)).body;
      expect(new URL(onA.file_info.download_url).origin).toBe(rig.s3.endpoint);
      expect(onA.file_info.size_bytes).toBe(c.bytes.length);
      expect(same((await fetchBytes(onA.file_info.download_url)).body, c.bytes)).toBe(true);
      // gateway B: its signed /files link, which either gateway serves (the signing secret is in PostgreSQL)
      const onB = (await rig.api(gwB, 'GET', `/api/v1/download/${id}`)).body;
      const link = new URL(onB.file_info.download_url);
      expect(link.pathname).toBe(`/files/${onB.file_info.filepath}`);
      for (const gw of rig.gateways) {
        const res = await fetchBytes(`${gw.baseUrl}${link.pathname}${link.search}`);
        expect(res.status).toBe(200);
        expect(same(res.body, c.bytes)).toBe(true);
      }
      // ranges: through /files on B (API key) and on the presigned link
      const part = await fetchBytes(`${gwB.baseUrl}/files/${onB.file_info.filepath}`, { ...key, range: 'bytes=1000-65535' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 1000-65535/${c.bytes.length}`);
      expect(same(part.body, c.bytes.subarray(1000, 65536))).toBe(true);
      // (an explicit range: s3rver reads a suffix range `bytes=-N` as `bytes=0-N`)
      const len = c.bytes.length;
      const tail = await fetchBytes(onA.file_info.download_url, { range: `bytes=${len - 4096}-${len - 1}` });
      expect(tail.status).toBe(206);
      expect(same(tail.body, c.bytes.subarray(c.bytes.length - 4096))).toBe(true);
    });

    // every job's download.completed webhook arrives, signed, with the seed payload and a link to the exact bytes
    const completedHook = (id: string) =>
      rig.receiver.on('/hook').find((h) => {
        const p = JSON.parse(h.body.toString());
        return p.event === 'download.completed' && p.request_id === id;
      });
    await waitFor(() => jobs.every((j) => completedHook(j.id)), { timeoutMs: 60_000, what: 'a download.completed webhook for every job' });
    await eachLimited(jobs, 4, async ({ id, clip: c }) => {
      const hit = completedHook(id);
      if (!hit) throw new Error(`no download.completed webhook for ${id}`);
      const signature = 'sha256=' + createHmac('sha256', rig.sys.apiKey).update(hit.body).digest('hex');
      expect(hit.headers['x-webhook-signature']).toBe(signature);
      const payload = JSON.parse(hit.body.toString());
      expect(payload).toMatchObject({ event: 'download.completed', request_id: id, data: { request_id: id, status: 'completed' } });
      expect(payload.data.file_info.size_bytes).toBe(c.bytes.length);
      expect(same((await fetchBytes(payload.data.file_info.download_url)).body, c.bytes)).toBe(true);
    });
  }, 480_000);

  it('every event was delivered once, and the kill left nothing behind: no incomplete upload after the sweep, only the expected objects', async () => {
    if (!killedJob) throw new Error('the kill case did not run');
    const killedId = killedJob.id;
    const ids = [...jobs.map((j) => j.id), killedId];
    // the dead worker's upload is aborted by a sweep once it is older than the sweep age
    const sweepStarted = Date.now();
    await waitFor(async () => (await rig.store.incompleteUploads()).length === 0, { timeoutMs: 150_000, intervalMs: 500, what: 'no incomplete upload' });
    figures['sweep_wait_s'] = ((Date.now() - sweepStarted) / 1000).toFixed(1);
    const swept = rig.workers.flatMap((w) => jsonLines(w.proc.output)).filter((l) => l.event === 'store.uploads_swept');
    // at least one worker logged it (both may: s3rver's abort is not atomic, so two sweeps listing it at once can both succeed)
    figures['swept_by'] = rig.workers
      .filter((w) => jsonLines(w.proc.output).some((l) => l.event === 'store.uploads_swept'))
      .map((w) => w.name)
      .join('+');
    expect(swept.reduce((n, l) => n + Number(l.aborted), 0)).toBeGreaterThanOrEqual(1);

    const views = await rig.waitAllFinal(
      ids.map((id) => ({ id, gw: rig.gateways[0] })),
      10_000,
    );
    const expected = ids.map((id) => views.get(id).file_info.filepath as string).sort();
    const objects = await rig.store.list('');
    expect(objects.map((o) => o.key)).toEqual(expected);
    expect(rig.leftoverScratch()).toEqual({});

    const tapped: Tapped[] = await rig.tap.drain();
    const receipts = rig.receiver.on('/hook').map((h) => {
      const p = JSON.parse(h.body.toString());
      return {
        id: String(h.headers['x-webhook-id']),
        event: p.event,
        requestId: p.request_id,
        attempt: Number(h.headers['x-webhook-attempt']),
        status: h.status ?? 0,
        verified: true,
        at: h.arrivedAt,
      };
    });
    const statuses = new Map(ids.map((id) => [id, views.get(id).status as string]));
    const ledger = computeLedger(
      `${JOBS} jobs, 2+2+2 replicas`,
      jobs.map((j) => j.id),
      statuses,
      tapped,
      receipts,
    );
    const killed = computeLedger('SIGKILL mid-upload', [killedId], statuses, tapped, receipts);
    printLedger(ledger, { worker_share: figures['worker_share'] });
    printLedger(killed);
    expect(ledger.lost).toBe(0);
    expect(ledger.duplicates).toBe(0);
    expect(killed.lost).toBe(0);

    figures['jobs'] = ids.length;
    figures['objects'] = objects.length;
    figures['incomplete_uploads_after_sweep'] = 0;
    figures['bytes_verified_mib'] = (bytesVerified / MIB).toFixed(1);
    figures['total_s'] = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(
      `RESULT multi-replica ${Object.entries(figures)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  }, 240_000);

  // ── SSE across replicas (issue 14; built on branch sse-replicas) ─────────────────────────────
  // To be added here: an SSE client on gateway A sees every event of jobs whose events gateway B's
  // store consumer processed, and resumes with Last-Event-ID on gateway B after A is stopped.
  // The rig has what it needs: rig.gateways (A and B, separate processes), rig.sys.apiKey, and the
  // audit tap of every published event (rig.tap) to compare the stream against.
});
