import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { waitFor } from '@mda/testing';
import { makeTestClip } from '../support/media-source';
import { TestSystem } from '../support/system';
import { SlowSource, startSlowSource } from './support';

const OTHER_KEY = 'other-key-cookies-0001';
const KEY = 'c0ffee'.repeat(10) + 'abcd';
const SECRET = 'sid-value-7f3a9c';
const NETSCAPE = `# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t${SECRET}\n`;

describe('cookies: upload, encrypted storage, use by one job (built apps, real broker)', () => {
  let sys: TestSystem;
  let source: SlowSource;
  const workerTmp = mkdtempSync(join(tmpdir(), 'mda-worker-tmp-'));
  const other = { 'x-api-key': OTHER_KEY };

  beforeAll(async () => {
    sys = await TestSystem.start({
      env: { API_KEYS: OTHER_KEY, COOKIE_ENCRYPTION_KEY: KEY },
      apps: ['gateway', 'downloader-worker'],
      appEnv: { 'downloader-worker': { TMPDIR: workerTmp } },
    });
    source = await startSlowSource(makeTestClip(1), 0.2, { requireCookie: `sid=${SECRET}` });
  }, 90_000);

  afterAll(async () => {
    await source?.close();
    await sys?.stop();
  });

  const final = (id: string) =>
    waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
      },
      { timeoutMs: 30_000, what: `job ${id} final` },
    );

  it('stores cookies encrypted, lists and shows them without contents, and keeps them per key', async () => {
    const created = await sys.api('POST', '/api/v1/cookies', { name: 'site login', cookies: NETSCAPE });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^ck_[a-z0-9]{12,}$/),
      name: 'site login',
      cookie_count: 1,
      domains: ['127.0.0.1'],
      created_at: expect.any(String),
    });
    const id = created.body.id as string;
    const list = await sys.api('GET', '/api/v1/cookies');
    expect(list.body.cookies).toEqual([created.body]);
    expect((await sys.api('GET', `/api/v1/cookies/${id}`)).body).toEqual(created.body);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    // at rest: the store holds no plaintext; nothing under the media folder
    const db = readFileSync(join(sys.dir, 'jobs.sqlite'));
    const wal = (() => {
      try {
        return readFileSync(join(sys.dir, 'jobs.sqlite-wal'));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    expect(db.includes(SECRET) || wal.includes(SECRET)).toBe(false);
    expect(sys.logsOf('gateway').join('\n')).not.toContain(SECRET);
    // another key sees nothing of them
    expect((await sys.api('GET', '/api/v1/cookies', undefined, other)).body.cookies).toEqual([]);
    expect((await sys.api('GET', `/api/v1/cookies/${id}`, undefined, other)).status).toBe(404);
    expect((await sys.api('DELETE', `/api/v1/cookies/${id}`, undefined, other)).status).toBe(404);
  });

  it.each([
    ['no cookie lines', { name: 'x', cookies: '# Netscape HTTP Cookie File\n' }, /no cookies found/],
    ['a malformed line', { name: 'x', cookies: 'example.com TRUE / TRUE 0 a b' }, /line 1/],
    ['a missing name', { cookies: NETSCAPE }, /name/],
    ['an unknown field', { name: 'x', cookies: NETSCAPE, share: true }, /share/],
  ])('refuses %s with 400', async (_n, body, msg) => {
    const r = await sys.api('POST', '/api/v1/cookies', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_error');
    expect(r.body.error.message).toMatch(msg);
    expect(r.body.error.message).not.toContain(SECRET);
  });

  it('a download with cookies_id sends them; without, the source refuses; the temp file is gone afterwards', async () => {
    const id = (await sys.api('POST', '/api/v1/cookies', { name: 'for download', cookies: NETSCAPE })).body.id as string;
    const withCookies = await sys.api('POST', '/api/v1/download', { url: source.urlFor('private'), cookies_id: id });
    expect(withCookies.status).toBe(202);
    const ok = await final(withCookies.body.request_id);
    expect(ok.status).toBe('completed');
    expect(ok.file_info.size_bytes).toBeGreaterThan(0);
    const without = await sys.api('POST', '/api/v1/download', { url: source.urlFor('private2') });
    expect((await final(without.body.request_id)).status).toBe('failed');
    expect(readdirSync(workerTmp).filter((n) => n.startsWith('mda-cookies-'))).toEqual([]);
    expect(sys.logsOf('downloader-worker').join('\n')).not.toContain(SECRET);
  }, 60_000);

  it("refuses a malformed cookies_id (400) and another key's (404) without storing a job", async () => {
    const id = (await sys.api('POST', '/api/v1/cookies', { name: 'mine', cookies: NETSCAPE })).body.id as string;
    const before = (await sys.api('GET', '/api/v1/downloads?limit=100', undefined, other)).body.downloads.length;
    const bad = await sys.api('POST', '/api/v1/download', { url: source.urlFor('a'), cookies_id: 'not-an-id' }, other);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_error']);
    const theirs = await sys.api('POST', '/api/v1/download', { url: source.urlFor('a'), cookies_id: id }, other);
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'not_found']);
    const batch = await sys.api('POST', '/api/v1/batch/download', { urls: [source.urlFor('a')], cookies_id: id }, other);
    expect(batch.status).toBe(404);
    expect((await sys.api('GET', '/api/v1/downloads?limit=100', undefined, other)).body.downloads.length).toBe(before);
  });

  it('DELETE removes them (204, then 404)', async () => {
    const id = (await sys.api('POST', '/api/v1/cookies', { name: 'gone', cookies: NETSCAPE })).body.id as string;
    expect((await sys.api('DELETE', `/api/v1/cookies/${id}`)).status).toBe(204);
    expect((await sys.api('GET', `/api/v1/cookies/${id}`)).status).toBe(404);
    expect((await sys.api('POST', '/api/v1/download', { url: source.urlFor('b'), cookies_id: id })).status).toBe(404);
  });
});
