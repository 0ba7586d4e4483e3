import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { ConfigError } from '@mda/config';
import { CodeMigrationProvider } from './migrations';
import type { StoreKind } from './database.tokens';
import type { Database } from './schema';

export type { StoreKind } from './database.tokens';

export interface StoreOptions {
  databaseUrl?: string;
  sqlitePath: string;
}

export function storeKind(opts: StoreOptions): StoreKind {
  return opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl) ? 'postgres' : 'sqlite';
}

/** One query layer over SQLite (embedded default) or PostgreSQL (when DATABASE_URL is postgres://). */
export function createDatabase(opts: StoreOptions): Kysely<Database> {
  if (storeKind(opts) === 'postgres') {
    const { Pool } = require('pg') as typeof import('pg');
    const pool = new Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection the server closes (a restart, a failover, an administrator) is dropped by the
    // pool and the next query opens a new one; without a listener its error would end the process.
    pool.on('error', () => undefined);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const SQLite = require('better-sqlite3') as typeof import('better-sqlite3');
  const sqlite = openWritable(opts.sqlitePath, (path) => new SQLite(path));
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Kysely prepares every query anew (a third of the accept path's CPU); the app runs a few
  // statement shapes, so reuse them (one connection, statements never run concurrently)
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, ReturnType<typeof prepare>>();
  sqlite.prepare = ((source: string) => {
    let stmt = statements.get(source);
    if (!stmt) {
      stmt = prepare(source);
      if (statements.size < 1000) statements.set(source, stmt);
    }
    return stmt;
  }) as typeof sqlite.prepare;
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

interface SqliteHandle {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  close(): unknown;
}

/**
 * Opens the SQLite file and proves it can be written (WAL on, a write lock taken and released).
 * A folder that cannot be created, a read-only file or filesystem (a read-only root in
 * Kubernetes without DATABASE_URL) is a configuration error naming SQLITE_PATH, never a driver error.
 */
export function openWritable<H extends SqliteHandle>(path: string, open: (path: string) => H): H {
  let handle: H | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    handle = open(path);
    handle.pragma('journal_mode = WAL');
    handle.exec('BEGIN IMMEDIATE; ROLLBACK');
    return handle;
  } catch (err) {
    try {
      handle?.close();
    } catch {
      // already unusable
    }
    const e = err as NodeJS.ErrnoException;
    const reason = e.code && !e.message?.startsWith(e.code) ? `${e.code}: ${e.message}` : (e.message ?? String(err));
    throw new ConfigError(
      'SQLITE_PATH',
      `(${path}) cannot be opened for writing (${reason}); point SQLITE_PATH at a writable volume or set DATABASE_URL to PostgreSQL`,
    );
  }
}

export async function migrateToLatest(db: Kysely<Database>, kind: StoreKind): Promise<void> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider(kind), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`database migration failed: ${failed?.migrationName ?? ''} ${String(error)}`);
}
