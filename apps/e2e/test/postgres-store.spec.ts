import { LocalServer, TestDatabase, createTestDatabase, waitFor } from '@mda/testing';
import { makeTestClip, serveFiles } from './support/media-source';
import { TestSystem } from './support/system';

describe('the whole system on the PostgreSQL job store', () => {
  let db: TestDatabase;
  let sys: TestSystem;
  let media: LocalServer;
  const clip = makeTestClip(2, 'PG Clip');

  beforeAll(async () => {
    db = await createTestDatabase('mda_e2e');
    sys = await TestSystem.start({ env: { DATABASE_URL: db.url }, apps: ['gateway', 'downloader-worker'] });
    media = await serveFiles({ '/pg.mp4': { body: clip, type: 'video/mp4' } });
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
    await db?.dispose();
  });

  it('accepts, runs and records a download', async () => {
    const res = await sys.api('POST', '/api/v1/download', { url: `${media.url}/pg.mp4` });
    expect(res.status).toBe(202);
    const id = res.body.request_id as string;
    const job = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      { timeoutMs: 30_000, what: 'completed job in PostgreSQL' },
    );
    expect(job.file_info.size_bytes).toBe(clip.length);
    expect(job.metadata.title).toBe('PG Clip');
    // the row really lives in PostgreSQL
    const { Client } = await import('pg');
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query('select status from jobs where request_id = $1', [id]);
    await c.end();
    expect(rows.rows).toEqual([{ status: 'completed' }]);
  }, 60_000);
});
