import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SUBSCRIPTIONS } from '@mda/contracts';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { SseClient, SseEvent, openSse } from '../support/sse-client';
import { finishedBy, jsonLines, startedBy } from '../faults/support/jobs';
import { computeLedger, printLedger } from '../faults/support/ledger';
import type { Tapped } from '../faults/support/broker';
import { GatedSource, serveGated } from './support/gated-source';
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
  const sse: SseClient[] = [];
  const sources: GatedSource[] = [];
  const t0 = Date.now();

  const clip = async (opts: Parameters<typeof makeClip>[0]) => {
    const path = await makeClip(opts);
    const bytes = readFileSync(path);
    return { path, bytes, sha: sha256(bytes) };
  };
  /** The `job` events of a stream that belong to these jobs, in the order they came. */
  const jobEventsOf = (events: SseEvent[], ids: string[]) => events.filter((e) => e.event === 'job' && ids.includes(e.data.request_id));
  const completedIn = (events: SseEvent[], ids: string[]) => ids.every((id) => jobEventsOf(events, [id]).some((e) => e.data.status === 'completed'));
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
    await Promise.all(sse.map((c) => c.close()));
    for (const s of sources) await s.close();
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

  // ── SSE across replicas ──────────────────────────────────────────────────────────────────────
  // Gateway A's store-writing consumers are paused, so gateway B's apply every event of these jobs;
  // A's stream can only have them through job.changed and the job store. Jobs of the second batch
  // read a gated source: they stay running until A is gone, so A stops in the middle of them.
  it("an SSE client on gateway A sees every change of jobs B's store consumer applied, once, in order; it resumes on B after A stops with exactly the missed ones", async () => {
    const started = Date.now();
    const [gwA, gwB] = rig.gateways;
    const storeWriters = [SUBSCRIPTIONS.gatewayDownloadEvents, SUBSCRIPTIONS.gatewayWebhookAttempts];
    await rig.pauseOnA(storeWriters.map((s) => s.name));
    // only B consumes them now (A still has its own job.changed queue, which wakes its streams)
    for (const s of storeWriters) expect(await rig.sys.vhost.consumerCount(s.queue)).toBe(1);

    const onA = await openSse(`${gwA.baseUrl}/api/v1/events`, rig.sys.apiKey);
    sse.push(onA);
    expect(onA.status).toBe(200);
    await waitFor(() => onA.events.length > 0, { timeoutMs: 15_000, what: 'hello from A' });
    expect(onA.events[0]).toEqual({ event: 'hello', data: { resumed: false } });

    // batch 1, through both gateways: A streams every recorded change of it
    const first: string[] = [];
    for (let i = 0; i < 4; i++) first.push(await rig.submit(rig.gateways[i % 2], media.urlFor(clips[i].path)));
    const final1 = await rig.waitAllFinal(
      first.map((id) => ({ id, gw: gwB })),
      120_000,
    );
    expect(first.map((id) => final1.get(id).status)).toEqual(first.map(() => 'completed'));
    await waitFor(() => completedIn(onA.events, first), { timeoutMs: 30_000, what: 'A streamed every job of batch 1 to completed' });
    const rows1 = await rig.jobEvents(first);
    const seen1 = jobEventsOf(onA.events, first);
    expect(seen1.map((e) => e.id)).toEqual(rows1.map((r) => r.id));
    expect(seen1.map((e) => e.data)).toEqual(rows1.map((r) => r.view));
    for (const id of first) {
      const statuses = seen1.filter((e) => e.data.request_id === id).map((e) => e.data.status);
      expect(statuses).toContain('running');
      expect(statuses.at(-1)).toBe('completed');
    }

    // batch 2 on the gated source: A stops while both jobs run
    const gated = await serveGated(clips[0].bytes, 'video/mp4');
    sources.push(gated);
    const second = [await rig.submit(gwA, `${gated.url}/gated.mp4`), await rig.submit(gwB, `${gated.url}/gated.mp4`)];
    await waitFor(() => second.every((id) => jobEventsOf(onA.events, [id]).some((e) => e.data.status === 'running')), {
      timeoutMs: 60_000,
      what: 'A streaming batch 2 running',
    });
    expect(await rig.stopGatewayA()).toBe(0);
    await waitFor(() => onA.ended(), { timeoutMs: 30_000, what: 'the stream on A ended' });
    expect(gated.finished()).toBe(0);
    const seenA = jobEventsOf(onA.events, [...first, ...second]);
    // A sent these jobs' changes and nothing else
    expect(onA.events.filter((e) => e.event === 'job').length).toBe(seenA.length);
    expect(seenA.some((e) => second.includes(e.data.request_id) && e.data.status === 'completed')).toBe(false);
    const lastSeen = seenA.at(-1)?.id;
    if (!lastSeen) throw new Error('A streamed no job change with an id');

    // B goes on alone: batch 3 through B, then the gate opens and batch 2 completes
    const third = [await rig.submit(gwB, media.urlFor(clips[1].path)), await rig.submit(gwB, media.urlFor(clips[2].path))];
    gated.open();
    const later = [...second, ...third];
    const final2 = await rig.waitAllFinal(
      later.map((id) => ({ id, gw: gwB })),
      120_000,
    );
    expect(later.map((id) => final2.get(id).status)).toEqual(later.map(() => 'completed'));
    // the completed change is recorded just after the job's row is final
    const all = [...first, ...later];
    await waitFor(
      async () => {
        const recorded = await rig.jobEvents(later);
        return later.every((id) => recorded.some((r) => r.request_id === id && r.view.status === 'completed'));
      },
      { timeoutMs: 30_000, what: 'every completed change recorded' },
    );
    const rows = await rig.jobEvents(all);
    const missed = rows.filter((r) => Number(r.id) > Number(lastSeen));
    expect(new Set(missed.map((r) => r.request_id))).toEqual(new Set(later));

    const onB = await openSse(`${gwB.baseUrl}/api/v1/events`, rig.sys.apiKey, lastSeen);
    sse.push(onB);
    expect(onB.status).toBe(200);
    await waitFor(() => onB.events.filter((e) => e.event === 'job').length >= missed.length, { timeoutMs: 30_000, what: 'the missed changes from B' });
    expect(onB.events[0]).toEqual({ event: 'hello', data: { resumed: true } });
    const seenB = onB.events.filter((e) => e.event === 'job');
    expect(seenB.map((e) => e.id)).toEqual(missed.map((r) => r.id));
    expect(seenB.map((e) => e.data)).toEqual(missed.map((r) => r.view));
    // across both streams: every recorded change of these jobs, once, in id order
    const ids = [...seenA, ...seenB].map((e) => e.id);
    expect(ids).toEqual(rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);

    figures['sse_jobs'] = all.length;
    figures['sse_changes_on_a'] = seenA.length;
    figures['sse_missed_resumed_on_b'] = seenB.length;
    figures['sse_s'] = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`RESULT multi-replica-sse ${['sse_jobs', 'sse_changes_on_a', 'sse_missed_resumed_on_b', 'sse_s'].map((k) => `${k}=${figures[k]}`).join(' ')}`);
  }, 360_000);
});
