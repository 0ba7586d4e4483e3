import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSignature } from '@mda/contracts';
import { MediaServer, TestDatabase, createTestDatabase, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { TestReceiver } from '../webhooks/support/receiver';
import { submit, waitFinal } from './support/jobs';

/** The secret kept in the SQLite job store (read-only, beside the running gateway). */
function storedSecret(sys: TestSystem): string {
  const SQLite = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new SQLite(join(sys.dir, 'jobs.sqlite'), { readonly: true });
  try {
    return (db.prepare("select value from settings where name = 'files_signing_secret'").get() as { value: string }).value;
  } finally {
    db.close();
  }
}

function linkParts(downloadUrl: string): { expires: number; signature: string } {
  const u = new URL(downloadUrl);
  return { expires: Number(u.searchParams.get('expires')), signature: u.searchParams.get('signature') ?? '' };
}

/** Files belong to the key whose job wrote them; download_url is signed with a random secret kept in the job store. */
describe('file ownership and the stored signing secret', () => {
  const otherKey = 'other-key-' + Math.random().toString(36).slice(2, 12);
  let sys: TestSystem;
  let media: MediaServer;
  let receiver: TestReceiver;
  let bytes: Buffer;
  let job: any;

  const completedHooks = () => receiver.on('/hook').filter((h) => JSON.parse(h.body.toString()).event === 'download.completed');

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    // FILES_SIGNING_SECRET unset: the gateway makes one and keeps it in the store; the sender reads it there
    sys = await TestSystem.start({ env: { API_KEYS: otherKey } });
    const clip = await makeClip({ seconds: 2, title: 'Owned Clip' });
    bytes = readFileSync(clip);
    media = await serveMedia(mediaRoot());
    job = await waitFinal(sys, await submit(sys, { url: media.urlFor(clip), webhook_url: receiver.url('/hook') }));
    expect(job.status).toBe('completed');
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
    await receiver?.close();
  });

  const path = () => `/files/${job.file_info.filepath}`;
  const get = (p: string, key?: string) => fetch(`${sys.baseUrl}${p}`, { headers: key ? { 'x-api-key': key } : {} });

  it('serves the file to its own key, and to the signed link without a key or with another key', async () => {
    const own = await get(path(), sys.apiKey);
    expect(own.status).toBe(200);
    expect(Buffer.from(await own.arrayBuffer()).equals(bytes)).toBe(true);
    const link = new URL(job.file_info.download_url);
    expect(link.origin + link.pathname).toBe(`${sys.baseUrl}${path()}`);
    expect((await fetch(job.file_info.download_url)).status).toBe(200);
    // the signature is the capability, whoever holds it
    const withOther = await fetch(job.file_info.download_url, { headers: { 'x-api-key': otherKey } });
    expect(withOther.status).toBe(200);
    expect(Buffer.from(await withOther.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers another key 404, exactly as for a missing file, and learns it nothing more', async () => {
    const cross = await get(path(), otherKey);
    expect(cross.status).toBe(404);
    const crossBody = (await cross.json()) as any;
    expect(crossBody).toEqual({ error: { code: 'not_found', message: `File not found: ${job.file_info.filepath}` } });
    const missingPath = job.file_info.filepath.replace(/\.mp4$/, '-nothing.mp4');
    const missing = (await (await get(`/files/${missingPath}`, otherKey)).json()) as any;
    expect(missing).toEqual({ error: { code: 'not_found', message: `File not found: ${missingPath}` } });
    // a bad signature does not help another key (404), and without a key it is 401 as before
    const { expires, signature } = linkParts(job.file_info.download_url);
    const forged = `${path()}?expires=${expires}&signature=${(signature[0] === 'a' ? 'b' : 'a') + signature.slice(1)}`;
    expect((await get(forged, otherKey)).status).toBe(404);
    expect((await get(forged)).status).toBe(401);
    // the owner's other jobs stay invisible to the other key elsewhere too
    expect((await sys.api('GET', `/api/v1/download/${job.request_id}`, undefined, { 'x-api-key': otherKey })).status).toBe(404);
  });

  it('serves no key a file that no job wrote', async () => {
    writeFileSync(join(sys.storageDir, 'videos', 'placed-by-hand.mp4'), 'x');
    expect((await get('/files/videos/placed-by-hand.mp4', sys.apiKey)).status).toBe(404);
    expect((await get('/files/videos/placed-by-hand.mp4', otherKey)).status).toBe(404);
  });

  it('signs with the random secret kept in the job store, never with anything made of the API keys', async () => {
    const secret = storedSecret(sys);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const { expires, signature } = linkParts(job.file_info.download_url);
    const fp = job.file_info.filepath as string;
    expect(signature).toBe(fileSignature(secret, fp, expires));
    const keys = [sys.apiKey, otherKey];
    for (const guess of [...keys, `derived:${[...keys].sort().join(',')}`, `derived:${keys.join(',')}`]) {
      expect(fileSignature(guess, fp, expires)).not.toBe(signature);
    }
    // the job store keeps the path, not a signed link
    const SQLite = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new SQLite(join(sys.dir, 'jobs.sqlite'), { readonly: true });
    const row = db.prepare('select file_info from jobs where request_id = ?').get(job.request_id) as { file_info: string };
    db.close();
    expect(JSON.parse(row.file_info).download_url).toBe(`${sys.baseUrl}${path()}`);
  });

  it('puts a working download_url in the webhook, and a fresh one in a redelivery', async () => {
    const [first] = await waitFor(async () => (completedHooks().length >= 1 ? completedHooks() : undefined), {
      timeoutMs: 20_000,
      what: 'download.completed webhook',
    });
    const hooked = JSON.parse(first.body.toString()).data.file_info.download_url as string;
    expect(hooked.startsWith(`${sys.baseUrl}${path()}?expires=`)).toBe(true);
    const res = await fetch(hooked);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // once the gateway has recorded the delivery, send every event again
    await waitFor(async () => (await sys.api('POST', `/api/v1/download/${job.request_id}/webhooks/redeliver?all=true`)).status < 300, {
      timeoutMs: 20_000,
      what: 'redelivery accepted',
    });
    const again = await waitFor(async () => completedHooks()[1], { timeoutMs: 20_000, what: 'redelivered download.completed' });
    const redelivered = JSON.parse(again.body.toString()).data.file_info.download_url as string;
    expect((await fetch(redelivered)).status).toBe(200);
  });

  it('keeps the secret across a gateway restart: links handed out before still work', async () => {
    const before = storedSecret(sys);
    await sys.kill('gateway', 'SIGTERM');
    await sys.startApp('gateway');
    await sys.waitReady();
    expect(storedSecret(sys)).toBe(before);
    expect((await fetch(job.file_info.download_url)).status).toBe(200);
    const fresh = (await sys.api('GET', `/api/v1/download/${job.request_id}`)).body;
    expect((await fetch(fresh.file_info.download_url)).status).toBe(200);
  }, 60_000);
});

/** Two gateways on one PostgreSQL job store sign with one secret: a link from either works on both. */
describe('two gateways on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: TestSystem;
  let b: TestSystem;
  let media: MediaServer;

  beforeAll(async () => {
    db = await createTestDatabase('mda_e2e_links');
    a = await TestSystem.start({ env: { DATABASE_URL: db.url }, apps: ['gateway', 'downloader-worker'] });
    // the second replica: the same store, media folder and API key
    b = await TestSystem.start({ env: { DATABASE_URL: db.url, API_KEY: a.apiKey, STORAGE_DIR: a.storageDir }, apps: ['gateway'] });
    media = await serveMedia(mediaRoot());
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await b?.stop();
    await a?.stop();
    await db?.dispose();
  });

  it('hands out links that either replica accepts, signed with the one stored secret', async () => {
    const clip = await makeClip({ seconds: 1, title: 'Replica Clip' });
    const job = await waitFinal(a, await submit(a, { url: media.urlFor(clip) }));
    expect(job.status).toBe('completed');
    const fromB = (await b.api('GET', `/api/v1/download/${job.request_id}`, undefined, { 'x-api-key': a.apiKey })).body;
    const linkA = new URL(job.file_info.download_url);
    const linkB = new URL(fromB.file_info.download_url);
    expect((await fetch(`${a.baseUrl}${linkB.pathname}${linkB.search}`)).status).toBe(200);
    expect((await fetch(`${b.baseUrl}${linkA.pathname}${linkA.search}`)).status).toBe(200);
    const { Client } = await import('pg');
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query("select value from settings where name = 'files_signing_secret'");
    await c.end();
    expect(rows.rows).toHaveLength(1);
    const { expires, signature } = linkParts(fromB.file_info.download_url);
    expect(signature).toBe(fileSignature(rows.rows[0].value, job.file_info.filepath, expires));
  }, 60_000);
});
