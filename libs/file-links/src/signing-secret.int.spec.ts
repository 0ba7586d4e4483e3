import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { TestDatabase, createTestDatabase } from '@mda/testing';
import { resolveFilesSigningSecret } from './signing-secret';
import { storedFilesSigningSecret } from './signing-secret.store';

/** The secret kept in the job store: made once, then the same for every process and restart. */
describe('files signing secret in the job store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mda-secret-'));
  const dbs: TestDatabase[] = [];

  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.dispose()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function pgUrl(): Promise<string> {
    const db = await createTestDatabase('mda_secret');
    dbs.push(db);
    return db.url;
  }

  it('prefers FILES_SIGNING_SECRET and then touches no store', async () => {
    const path = join(dir, 'never', 'jobs.sqlite');
    expect(await resolveFilesSigningSecret({ explicit: 'explicit-secret', sqlitePath: path })).toBe('explicit-secret');
    expect(require('node:fs').existsSync(path)).toBe(false);
  });

  it('says which store it could not read, without its password', async () => {
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    await expect(resolveFilesSigningSecret({ sqlitePath: join(aFile, 'data', 'jobs.sqlite') })).rejects.toThrow(/FILES_SIGNING_SECRET is unset .* SQLite/);
    const err = await resolveFilesSigningSecret({ databaseUrl: 'postgres://nobody:hunter2pw@127.0.0.1:1/x', sqlitePath: 'unused' }).catch((e: Error) => e);
    expect(String(err)).toMatch(/FILES_SIGNING_SECRET is unset .* PostgreSQL/);
    expect(String(err)).not.toContain('hunter2pw');
  });

  it('SQLite: 32 random bytes made once, the same after a restart, new for another store', async () => {
    const sqlitePath = join(dir, 'a', 'jobs.sqlite');
    const first = await resolveFilesSigningSecret({ sqlitePath });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await resolveFilesSigningSecret({ sqlitePath })).toBe(first);
    expect(await resolveFilesSigningSecret({ sqlitePath: join(dir, 'b', 'jobs.sqlite') })).not.toBe(first);
  });

  it('PostgreSQL: replicas starting together agree on one secret, which survives restarts', async () => {
    const url = await pgUrl();
    // eight "replicas", each with its own pool, racing to create the table and the row
    const pools = Array.from({ length: 8 }, () => new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 2 }) }) }));
    try {
      const secrets = await Promise.all(pools.map((db) => storedFilesSigningSecret(db)));
      expect(new Set(secrets).size).toBe(1);
      expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(await resolveFilesSigningSecret({ databaseUrl: url, sqlitePath: join(dir, 'unused.sqlite') })).toBe(secrets[0]);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    expect(await resolveFilesSigningSecret({ databaseUrl: await pgUrl(), sqlitePath: join(dir, 'unused.sqlite') })).not.toBe(
      await resolveFilesSigningSecret({ databaseUrl: url, sqlitePath: join(dir, 'unused.sqlite') }),
    );
  });
});
