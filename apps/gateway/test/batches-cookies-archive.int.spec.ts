import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import { Clock, IdGenerator, SystemClock, downloadOptionsSchema } from '@mda/contracts';
import type { EventPublisher, SendOptions } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { TestDatabase, createTestDatabase } from '@mda/testing';
import { BatchDispatcher } from '../src/batches/batch-dispatcher.service';
import { BatchesRepository } from '../src/batches/batches.repository';
import type { CookiesService } from '../src/cookies/cookies.service';
import { CookiesRepository } from '../src/cookies/cookies.repository';
import { DownloadArchiveRepository } from '../src/store/download-archive.repository';
import { createDatabase, migrateToLatest, storeKind } from '../src/store/database';
import { JobsRepository } from '../src/store/jobs.repository';
import { SubmitDownload } from '../src/submissions/submit-download.use-case';
import type { UrlPolicy } from '../src/submissions/url-policy';
import { Database } from '../src/store/schema';

const options = downloadOptionsSchema.parse({});
const logger = createLogger('store-test', 'silent');
const OWNER = 'a1b2c3d4e5f60718';

/** Records what would go to the broker (the broker itself is covered by the e2e tests). */
function recordingPublisher() {
  const sent: Array<{ routingKey: string; data: any }> = [];
  const pub = {
    publish: async (type: string, data: unknown, _c: string, opts?: SendOptions) => void sent.push({ routingKey: opts?.routingKey ?? type, data }),
  };
  return { sent, pub: pub as unknown as EventPublisher };
}

describe.each(['sqlite', 'postgres'] as const)('batches, cookies and the download archive on %s', (kind) => {
  let db: Kysely<Database>;
  let pg: TestDatabase | undefined;
  let batches: BatchesRepository;
  let jobs: JobsRepository;
  const dir = mkdtempSync(join(tmpdir(), 'mda-batch-store-'));
  const clock: Clock = new SystemClock();

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    const opts = { databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') };
    expect(storeKind(opts)).toBe(kind);
    db = createDatabase(opts);
    await migrateToLatest(db, kind);
    batches = new BatchesRepository(db);
    jobs = new JobsRepository(db);
  });

  afterAll(async () => {
    await db.destroy();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function makeBatch(id: string, n: number, limit: number) {
    const at = '2026-01-01T00:00:00.000Z';
    const children = Array.from({ length: n }, (_, i) => ({
      request_id: `req_${id}${String(i).padStart(4, '0')}`,
      api_key_fp: OWNER,
      url: `http://127.0.0.1:9/${id}-${i}.mp4`,
      options,
      webhook_url: null,
      batch_id: `batch_${id}`,
      created_at: at,
    }));
    await batches.create(
      {
        batch_id: `batch_${id}`,
        api_key_fp: OWNER,
        kind: 'urls',
        source_url: null,
        concurrent_limit: limit,
        stop_on_error: false,
        webhook_url: 'http://127.0.0.1:9/hook',
        total: n,
        created_at: at,
      },
      children,
    );
    return children.map((c) => c.request_id);
  }

  function dispatcher(pub: EventPublisher) {
    const cookies = { sealForJob: async () => null } as unknown as CookiesService;
    // releasing stored children neither makes ids nor checks URLs
    const submission = new SubmitDownload(jobs, pub, clock, {} as IdGenerator, {} as UrlPolicy, cookies, logger);
    return new BatchDispatcher(batches, jobs, submission, pub, clock, logger);
  }

  it('stores a batch with its children in order, owned by its key', async () => {
    const ids = await makeBatch('ordered00000', 3, 2);
    expect((await batches.find('batch_ordered00000', OWNER))?.concurrent_limit).toBe(2);
    expect(await batches.find('batch_ordered00000', 'someoneelse00000')).toBeUndefined();
    expect((await batches.children('batch_ordered00000')).map((c) => [c.request_id, c.status, c.claimed_at])).toEqual(ids.map((id) => [id, 'queued', null]));
  });

  it('claims only against the version it read: a stale claim loses', async () => {
    const ids = await makeBatch('versioned000', 3, 1);
    expect(await batches.claim('batch_versioned000', 0, [ids[0]], '2026-01-01T00:00:01.000Z')).toBe(true);
    expect(await batches.claim('batch_versioned000', 0, [ids[1]], '2026-01-01T00:00:01.000Z')).toBe(false);
    expect((await batches.children('batch_versioned000')).filter((c) => c.claimed_at).map((c) => c.request_id)).toEqual([ids[0]]);
  });

  it('two replicas advancing the same batch at once never release more than concurrent_limit, and complete it once', async () => {
    const ids = await makeBatch('racing000000', 6, 2);
    const a = recordingPublisher();
    const b = recordingPublisher();
    const [d1, d2] = [dispatcher(a.pub), dispatcher(b.pub)];
    await Promise.all([d1.advance('batch_racing000000'), d2.advance('batch_racing000000'), d1.advance('batch_racing000000'), d2.advance('batch_racing000000')]);
    // two publishers' lists concatenated carry no global order: compare as sorted lists (duplicates still show)
    const released = () =>
      [...a.sent, ...b.sent]
        .filter((s) => s.routingKey === 'download.requested')
        .map((s) => s.data.request_id as string)
        .sort();
    expect(released()).toEqual(ids.slice(0, 2).sort());
    // children finish one by one; each final state lets exactly one more go
    for (let i = 0; i < 6; i++) {
      await jobs.finish(ids[i], i === 3 ? 'failed' : 'completed', new Date().toISOString());
      await Promise.all([d1.advance('batch_racing000000'), d2.advance('batch_racing000000')]);
      const kids = await batches.children('batch_racing000000');
      expect(kids.filter((k) => k.claimed_at && !['completed', 'failed', 'cancelled'].includes(k.status)).length).toBeLessThanOrEqual(2);
    }
    expect(released()).toEqual([...ids].sort());
    const completed = [...a.sent, ...b.sent].filter((s) => s.routingKey === 'batch.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0].data).toMatchObject({
      batch_id: 'batch_racing000000',
      status: 'completed',
      total: 6,
      counts: { completed: 5, failed: 1, cancelled: 0 },
    });
    expect((await batches.find('batch_racing000000'))?.completed_at).toBeTruthy();
    expect(await batches.openBatchIds()).not.toContain('batch_racing000000');
  });

  it('cancel leaves nothing to release and removes an abandoned batch whole', async () => {
    const ids = await makeBatch('cancelled000', 3, 1);
    const rec = recordingPublisher();
    await dispatcher(rec.pub).advance('batch_cancelled000');
    expect(await batches.markCancelled('batch_cancelled000', new Date().toISOString())).toBe(true);
    expect(await batches.markCancelled('batch_cancelled000', new Date().toISOString())).toBe(false);
    await jobs.finish(ids[0], 'cancelled', new Date().toISOString());
    await dispatcher(rec.pub).advance('batch_cancelled000');
    expect((await batches.children('batch_cancelled000')).map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(rec.sent.filter((s) => s.routingKey === 'batch.completed').map((s) => s.data.status)).toEqual(['cancelled']);
    await batches.remove('batch_cancelled000');
    expect(await batches.find('batch_cancelled000')).toBeUndefined();
    expect(await jobs.find(ids[1])).toBeUndefined();
  });

  it('keeps cookie records per key and their sealed contents apart from the listing', async () => {
    const repo = new CookiesRepository(db);
    const rec = { id: 'ck_aaaaaaaaaaaa', api_key_fp: OWNER, name: 'n', cookie_count: 2, domains: ['example.com'], created_at: '2026-01-01T00:00:00.000Z' };
    await repo.insert(rec, 'v1.sealed');
    expect(await repo.list(OWNER)).toEqual([rec]);
    expect(await repo.list('someoneelse00000')).toEqual([]);
    expect(await repo.sealedFor(rec.id, OWNER)).toBe('v1.sealed');
    expect(await repo.sealedFor(rec.id, 'someoneelse00000')).toBeUndefined();
    expect(await repo.remove(rec.id, 'someoneelse00000')).toBe(false);
    expect(await repo.remove(rec.id, OWNER)).toBe(true);
    expect(await repo.find(rec.id, OWNER)).toBeUndefined();
  });

  it('records downloads in the archive once per key and video, ignoring URL fragments', async () => {
    const archive = new DownloadArchiveRepository(db);
    await archive.record(OWNER, 'http://127.0.0.1/v1.mp4', 'req_aaaaaaaaaaaa', '2026-01-01T00:00:00.000Z');
    await archive.record(OWNER, 'http://127.0.0.1/v1.mp4#x', 'req_bbbbbbbbbbbb', '2026-01-01T00:00:01.000Z');
    const urls = ['http://127.0.0.1/v1.mp4', 'http://127.0.0.1/v2.mp4'];
    expect([...(await archive.downloaded(OWNER, urls))]).toEqual(['http://127.0.0.1/v1.mp4']);
    expect([...(await archive.downloaded('someoneelse00000', urls))]).toEqual([]);
  });
});
