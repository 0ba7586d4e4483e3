import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator } from 'kysely';
import { downloadOptionsSchema } from '@mda/contracts';
import { storedFilesSigningSecret } from '@mda/file-links';
import { TestDatabase, createTestDatabase } from '@mda/testing';
import { createDatabase, migrateToLatest } from '../src/store/database';
import { JobFilesRepository } from '../src/store/job-files.repository';
import { JobsRepository, newJobRow } from '../src/store/jobs.repository';
import { CodeMigrationProvider } from '../src/store/migrations';
import { Database } from '../src/store/schema';

const options = downloadOptionsSchema.parse({});
const AT = '2026-01-01T00:00:00.000Z';
const info = (filepath: string) => ({ filename: filepath.split('/').pop()!, filepath, size_bytes: 1, download_url: `http://h/files/${filepath}` });

/** job_files: who owns each stored file, backfilled by migration 0104 and kept from download.completed. */
describe.each(['sqlite', 'postgres'] as const)('job files on %s', (kind) => {
  let db: Kysely<Database>;
  let pg: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mda-jobfiles-'));

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createTestDatabase('mda_jobfiles') : undefined;
    db = createDatabase({ databaseUrl: pg?.url, sqlitePath: join(dir, 'jobs.sqlite') });
  });

  afterAll(async () => {
    await db.destroy();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const newJob = (id: string, owner: string) => ({
    request_id: id,
    api_key_fp: owner,
    url: 'https://e/x',
    options,
    webhook_url: null,
    batch_id: null,
    created_at: AT,
  });

  it('backfills the owners of files completed before the table existed, then keeps new ones', async () => {
    // the store as it was before 0104, with completed jobs in it
    const migrator = new Migrator({ db, provider: new CodeMigrationProvider(kind), allowUnorderedMigrations: true });
    const before = await migrator.migrateTo('0103_batch_completing');
    expect(before.error).toBeUndefined();
    const jobs = new JobsRepository(db);
    // rows as that schema has them (the columns of 0111 came later)
    const insertOld = async (job: ReturnType<typeof newJob>) => {
      const { retry_of: _r, file_deleted_at: _d, file_deleted_reason: _w, expires_at: _e, ...row } = newJobRow(job);
      await db
        .insertInto('jobs')
        .values(row as never)
        .execute();
    };
    await insertOld(newJob('req_oldaaaaaaaaa', 'ownerAownerAownA'));
    await jobs.finish('req_oldaaaaaaaaa', 'completed', AT, { file_info: info('videos/old-a.mp4') });
    await insertOld(newJob('req_oldbbbbbbbbb', 'ownerBownerBownB'));
    await jobs.finish('req_oldbbbbbbbbb', 'completed', AT, {
      file_info: { ...info('videos/old-b.mp4'), files: [{ kind: 'subtitle', filepath: 'videos/old-b.en.vtt' }] } as never,
    });
    await insertOld(newJob('req_oldfailedfff', 'ownerBownerBownB'));
    await jobs.finish('req_oldfailedfff', 'failed', AT, { error: 'x', error_code: 'download_failed' });

    await migrateToLatest(db, kind);
    const files = new JobFilesRepository(db);
    expect(await files.ownerOf('videos/old-a.mp4')).toBe('ownerAownerAownA');
    expect(await files.ownerOf('videos/old-b.mp4')).toBe('ownerBownerBownB');
    expect(await files.ownerOf('videos/old-b.en.vtt')).toBe('ownerBownerBownB');
    expect(await files.ownerOf('videos/placed-by-hand.mp4')).toBeUndefined();

    await jobs.insert(newJob('req_newccccccccc', 'ownerCownerCownC'));
    await files.record('req_newccccccccc', info('videos/new-c.mp4'));
    await files.record('req_newccccccccc', info('videos/new-c.mp4')); // a redelivered event
    expect(await files.ownerOf('videos/new-c.mp4')).toBe('ownerCownerCownC');
    await files.record('req_unknownjobxx', info('videos/ghost.mp4'));
    expect(await files.ownerOf('videos/ghost.mp4')).toBeUndefined();
    // a path written again by a later job belongs to that job
    await files.record('req_oldbbbbbbbbb', info('videos/new-c.mp4'));
    expect(await files.ownerOf('videos/new-c.mp4')).toBe('ownerBownerBownB');
  });

  it('keeps the settings table that the signing secret lives in', async () => {
    const secret = await storedFilesSigningSecret(db);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const row = await db.selectFrom('settings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'files_signing_secret', value: secret });
  });
});
