import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import { downloadOptionsSchema } from '@mda/contracts';
import { TestDatabase, createTestDatabase } from '@mda/testing';
import { createDatabase, migrateToLatest, storeKind } from '../src/store/database';
import { JobsRepository, newJobRow } from '../src/store/jobs.repository';
import { Database } from '../src/store/schema';

const options = downloadOptionsSchema.parse({});

describe.each(['sqlite', 'postgres'] as const)('JobsRepository on %s', (kind) => {
  let db: Kysely<Database>;
  let repo: JobsRepository;
  let pg: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mda-store-'));

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    const opts = { databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') };
    expect(storeKind(opts)).toBe(kind);
    db = createDatabase(opts);
    await migrateToLatest(db, kind);
    await migrateToLatest(db, kind); // idempotent
    repo = new JobsRepository(db);
  });

  afterAll(async () => {
    await db.destroy();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const newJob = (id: string, owner: string, at: string) => ({
    request_id: id,
    api_key_fp: owner,
    url: `https://example.com/${id}`,
    options,
    webhook_url: null,
    batch_id: null,
    created_at: at,
  });

  it('stores a job and finds it only for its owner', async () => {
    await repo.insert(newJob('req_aaaaaaaaaaaa', 'owner1owner1own1', '2026-01-01T00:00:00.000Z'));
    const job = await repo.find('req_aaaaaaaaaaaa', 'owner1owner1own1');
    expect(job).toMatchObject({ status: 'queued', options: { quality: 'best' }, progress: null });
    expect(await repo.find('req_aaaaaaaaaaaa', 'someoneelse00000')).toBeUndefined();
  });

  it('groups the inserts of one moment into one statement, and each caller resolves once its row is stored', async () => {
    const insertInto = jest.spyOn(db, 'insertInto');
    try {
      const ids = Array.from({ length: 150 }, (_, i) => `req_grouped${String(i).padStart(4, '0')}`);
      await Promise.all(ids.map((id) => repo.insertGrouped(newJob(id, 'ownergroupowner1', '2026-01-02T00:00:00.000Z'))));
      // 150 rows in groups of at most MAX_GROUPED_ROWS (100)
      expect(insertInto).toHaveBeenCalledTimes(2);
      const stored = await repo.list({ ownerFp: 'ownergroupowner1', limit: 100 });
      expect(stored).toHaveLength(100);
      for (const id of ids) expect(await repo.find(id, 'ownergroupowner1')).toMatchObject({ status: 'queued', options: { quality: 'best' } });
    } finally {
      insertInto.mockRestore();
    }
  });

  it('reuses for a group the very statement Kysely builds for those rows', async () => {
    const rows = ['req_samesql00001', 'req_samesql00002', 'req_samesql00003'].map((id) =>
      newJobRow({ ...newJob(id, 'ownersqlowner001', '2026-01-04T00:00:00.000Z'), webhook_url: 'https://hooks.example/x' }),
    );
    const expected = db.insertInto('jobs').values(rows).compile();
    for (let i = 0; i < 2; i++) {
      const compiled = repo.compiledGroupInsert(rows); // the second time from the cache
      expect(compiled.sql).toBe(expected.sql);
      expect(compiled.parameters).toEqual(expected.parameters);
    }
  });

  it('fails only the caller of a bad row when a group cannot be stored as a whole', async () => {
    await repo.insert(newJob('req_groupdupe0001', 'ownergroupowner2', '2026-01-03T00:00:00.000Z'));
    const fresh = ['req_groupfresh001', 'req_groupfresh002', 'req_groupfresh003'];
    const results = await Promise.allSettled([
      ...fresh.map((id) => repo.insertGrouped(newJob(id, 'ownergroupowner2', '2026-01-03T00:00:01.000Z'))),
      repo.insertGrouped(newJob('req_groupdupe0001', 'ownergroupowner2', '2026-01-03T00:00:01.000Z')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    for (const id of fresh) expect(await repo.find(id)).toMatchObject({ created_at: '2026-01-03T00:00:01.000Z' });
    // the existing row is untouched
    expect(await repo.find('req_groupdupe0001')).toMatchObject({ created_at: '2026-01-03T00:00:00.000Z' });
  });

  it('moves through running and completed, and never leaves a final state', async () => {
    const id = 'req_bbbbbbbbbbbb';
    await repo.insert(newJob(id, 'owner1owner1own1', '2026-01-01T00:00:01.000Z'));
    expect(await repo.markStarted(id, '2026-01-01T00:00:02.000Z')).toBe(true);
    const progress = { percent: 50, downloaded_bytes: 5, total_bytes: 10, speed: 1, eta: 5 };
    expect(await repo.recordProgress(id, progress, '2026-01-01T00:00:03.000Z')).toBe(true);
    const file_info = { filename: 'f.mp4', filepath: 'videos/f.mp4', size_bytes: 10, download_url: 'http://x/files/videos/f.mp4' };
    expect(await repo.finish(id, 'completed', '2026-01-01T00:00:04.000Z', { file_info, metadata: { title: 'T', uploader: null, duration: 3 } })).toBe(true);
    // late or duplicate events change nothing
    expect(await repo.recordProgress(id, { ...progress, percent: 60 }, '2026-01-01T00:00:05.000Z')).toBe(false);
    expect(await repo.finish(id, 'failed', '2026-01-01T00:00:06.000Z', { error: 'x', error_code: 'internal_error' })).toBe(false);
    expect(await repo.markStarted(id, '2026-01-01T00:00:07.000Z')).toBe(false);
    const job = await repo.find(id);
    expect(job).toMatchObject({
      status: 'completed',
      started_at: '2026-01-01T00:00:02.000Z',
      completed_at: '2026-01-01T00:00:04.000Z',
      file_info,
      metadata: { title: 'T', duration: 3 },
      error: null,
    });
  });

  it('lists newest first with a stable cursor and filters', async () => {
    const owner = 'lister0lister0li';
    for (let i = 0; i < 5; i++) await repo.insert(newJob(`req_list0000000${i}`, owner, `2026-02-01T00:00:0${i}.000Z`));
    await repo.finish('req_list00000003', 'failed', '2026-02-01T00:01:00.000Z', { error: 'e', error_code: 'not_found' });
    const page1 = await repo.list({ ownerFp: owner, limit: 2 });
    expect(page1.map((j) => j.request_id)).toEqual(['req_list00000004', 'req_list00000003']);
    const last = page1[page1.length - 1];
    const page2 = await repo.list({ ownerFp: owner, limit: 10, after: { created_at: last.created_at, request_id: last.request_id } });
    expect(page2.map((j) => j.request_id)).toEqual(['req_list00000002', 'req_list00000001', 'req_list00000000']);
    const failed = await repo.list({ ownerFp: owner, limit: 10, status: 'failed' });
    expect(failed.map((j) => j.request_id)).toEqual(['req_list00000003']);
  });

  it('removes a job that the broker did not take', async () => {
    await repo.insert(newJob('req_rmrmrmrmrmrm', 'owner1owner1own1', '2026-03-01T00:00:00.000Z'));
    await repo.remove('req_rmrmrmrmrmrm');
    expect(await repo.find('req_rmrmrmrmrmrm')).toBeUndefined();
  });
});
