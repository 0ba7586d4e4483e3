import { randomBytes } from 'node:crypto';
import { Kysely } from 'kysely';

/** The `settings` row that holds the /files signing secret when FILES_SIGNING_SECRET is unset. */
export const FILES_SIGNING_SECRET_SETTING = 'files_signing_secret';

/** Named values the processes share through the job store. */
export interface SettingsTable {
  name: string;
  value: string;
  created_at: string;
}

interface SettingsDatabase {
  settings: SettingsTable;
}

export interface SecretGeneration {
  now: () => Date;
  random: (bytes: number) => Buffer;
}

const SYSTEM: SecretGeneration = { now: () => new Date(), random: randomBytes };

/**
 * Creates `settings` if it is missing. Any process may get there first (a gateway's migration,
 * another replica, the webhook sender), so this is idempotent on both backends.
 */
export async function createSettingsTable<DB>(anyDb: Kysely<DB>): Promise<void> {
  const db = anyDb as unknown as Kysely<SettingsDatabase>;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.schema
        .createTable('settings')
        .ifNotExists()
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      return;
    } catch (err) {
      // PostgreSQL: two concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog
      // (unique violation on pg_type); by the next try the other one has made the table
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * The signing secret kept in the job store: 32 random bytes made by whoever asks first. Every
 * caller proposes its own and keeps whichever row exists after an insert-if-absent, so replicas
 * starting together agree on one.
 */
export async function storedFilesSigningSecret<DB>(anyDb: Kysely<DB>, gen: SecretGeneration = SYSTEM): Promise<string> {
  const db = anyDb as unknown as Kysely<SettingsDatabase>;
  await createSettingsTable(db);
  await db
    .insertInto('settings')
    .values({ name: FILES_SIGNING_SECRET_SETTING, value: gen.random(32).toString('hex'), created_at: gen.now().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('name', '=', FILES_SIGNING_SECRET_SETTING).executeTakeFirstOrThrow();
  return row.value;
}
