import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { storedFilesSigningSecret } from './signing-secret.store';

/** Where the signing secret comes from: FILES_SIGNING_SECRET, else the job store (DATABASE_URL or SQLITE_PATH). */
export interface SigningSecretSource {
  explicit?: string;
  databaseUrl?: string;
  sqlitePath: string;
}

/**
 * For processes that do not keep the job store open (the webhook sender): one short connection
 * at start-up. They must reach the same store as the gateway: the same PostgreSQL database, or
 * with SQLite the same file (one machine). Elsewhere, set FILES_SIGNING_SECRET.
 */
export async function resolveFilesSigningSecret(src: SigningSecretSource): Promise<string> {
  if (src.explicit) return src.explicit;
  try {
    const db = openStore(src);
    try {
      return await storedFilesSigningSecret(db);
    } finally {
      await db.destroy();
    }
  } catch (err) {
    // names neither the URL nor its password: only which store and why
    const store = src.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite (SQLITE_PATH ${src.sqlitePath})`;
    throw new Error(`FILES_SIGNING_SECRET is unset and the job store holding the signing secret could not be read from ${store}: ${(err as Error).message}`);
  }
}

function openStore(src: SigningSecretSource): Kysely<unknown> {
  if (src.databaseUrl && /^postgres(ql)?:\/\//.test(src.databaseUrl)) {
    const { Pool } = require('pg') as typeof import('pg');
    const pool = new Pool({ connectionString: src.databaseUrl, max: 1 });
    // an idle connection the server closes is dropped and reopened; unlistened, its error would end the process
    pool.on('error', () => undefined);
    return new Kysely({ dialect: new PostgresDialect({ pool }) });
  }
  const SQLite = require('better-sqlite3') as typeof import('better-sqlite3');
  if (src.sqlitePath !== ':memory:') mkdirSync(dirname(src.sqlitePath), { recursive: true });
  const sqlite = new SQLite(src.sqlitePath);
  // the gateway may be migrating the same file right now
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
}
