import { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import { createSettingsTable } from '@mda/file-links';
import type { StoreKind } from './database.tokens';
import { backfillJobFiles } from './job-files';

/** Migrations live in code so one build carries them; they run at start-up. */
function buildMigrations(kind: StoreKind): Record<string, Migration> {
  // SQLite has no identity columns; PostgreSQL has no AUTOINCREMENT
  const id = (c: ColumnDefinitionBuilder) => (kind === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  return {
    '0001_jobs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('jobs')
          .addColumn('request_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('options', 'text', (c) => c.notNull())
          .addColumn('webhook_url', 'text')
          .addColumn('batch_id', 'varchar(64)')
          .addColumn('progress', 'text')
          .addColumn('file_info', 'text')
          .addColumn('metadata', 'text')
          .addColumn('error', 'text')
          .addColumn('error_code', 'varchar(64)')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('started_at', 'varchar(32)')
          .addColumn('completed_at', 'varchar(32)')
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('jobs_owner_created').on('jobs').columns(['api_key_fp', 'created_at', 'request_id']).execute();
        await db.schema.createIndex('jobs_batch').on('jobs').column('batch_id').execute();
      },
    },
    '0002_webhooks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_attempts')
          .addColumn('id', 'integer', id)
          .addColumn('event_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('request_id', 'varchar(64)')
          .addColumn('batch_id', 'varchar(64)')
          .addColumn('event', 'varchar(32)', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('attempt', 'integer', (c) => c.notNull())
          .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
          .addColumn('status_code', 'integer')
          .addColumn('error', 'text')
          .addColumn('duration_ms', 'real', (c) => c.notNull())
          .addColumn('response_body', 'text')
          .addColumn('next_retry_in_sec', 'real')
          .addColumn('attempted_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('redelivery', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('webhook_attempts_request').on('webhook_attempts').columns(['request_id', 'id']).execute();
        // the same attempt recorded twice (at-least-once) is one row
        await db.schema.createIndex('webhook_attempts_unique').on('webhook_attempts').columns(['event_id', 'attempt', 'redelivery']).unique().execute();
        await db.schema
          .createTable('webhook_events')
          .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('request_id', 'varchar(64)')
          .addColumn('batch_id', 'varchar(64)')
          .addColumn('event', 'varchar(32)', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_events_request').on('webhook_events').column('request_id').execute();
      },
    },
    '0003_job_logs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('job_logs')
          .addColumn('id', 'integer', id)
          .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('at', 'varchar(32)', (c) => c.notNull())
          .addColumn('line', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_logs_request').on('job_logs').columns(['request_id', 'id']).execute();
      },
    },
    '0100_batches': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('batches')
          .addColumn('batch_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('kind', 'varchar(16)', (c) => c.notNull())
          .addColumn('source_url', 'text')
          .addColumn('concurrent_limit', 'integer', (c) => c.notNull())
          .addColumn('stop_on_error', 'integer', (c) => c.notNull())
          .addColumn('webhook_url', 'text')
          .addColumn('total', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cancelled_at', 'varchar(32)')
          .addColumn('completed_at', 'varchar(32)')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('batches_open').on('batches').column('completed_at').execute();
        await db.schema
          .createTable('batch_children')
          .addColumn('request_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('batch_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('claimed_at', 'varchar(32)')
          .addColumn('published_at', 'varchar(32)')
          .execute();
        await db.schema.createIndex('batch_children_batch').on('batch_children').columns(['batch_id', 'position']).execute();
      },
    },
    '0101_cookies': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('cookies')
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('name', 'varchar(200)', (c) => c.notNull())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('cookie_count', 'integer', (c) => c.notNull())
          .addColumn('domains', 'text', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('cookies_owner').on('cookies').columns(['api_key_fp', 'created_at']).execute();
      },
    },
    '0102_download_archive': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('download_archive')
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('archive_key', 'varchar(64)', (c) => c.notNull())
          .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('download_archive_pk', ['api_key_fp', 'archive_key'])
          .execute();
      },
    },
    '0103_batch_completing': {
      async up(db: Kysely<unknown>) {
        // who is publishing batch.completed, since when (a replica that died meanwhile is taken over later)
        await db.schema.alterTable('batches').addColumn('completing_at', 'varchar(32)').execute();
      },
    },
    '0104_job_files': {
      async up(db: Kysely<unknown>) {
        // which job (and so which API key) owns each stored file: /files with a key serves only its own
        await db.schema
          .createTable('job_files')
          .addColumn('path', 'text', (c) => c.primaryKey())
          .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_files_request').on('job_files').column('request_id').execute();
        await backfillJobFiles(db);
        // the random FILES_SIGNING_SECRET stand-in lives here (other processes may have made the table first)
        await createSettingsTable(db);
      },
    },
    '0110_scheduled_tasks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('scheduled_tasks')
          .addColumn('task_id', 'varchar(128)', (c) => c.primaryKey())
          .addColumn('kind', 'varchar(32)', (c) => c.notNull())
          .addColumn('ref', 'varchar(64)', (c) => c.notNull())
          .addColumn('due_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('lease_token', 'varchar(64)')
          .addColumn('lease_until', 'varchar(32)')
          .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('scheduled_tasks_due').on('scheduled_tasks').column('due_at').execute();
      },
    },
    '0111_library_jobs': {
      async up(db: Kysely<unknown>) {
        // retry links, deleted/expired files and their expiry, file sizes for storage per key
        await db.schema.alterTable('jobs').addColumn('retry_of', 'varchar(64)').execute();
        await db.schema.alterTable('jobs').addColumn('file_deleted_at', 'varchar(32)').execute();
        await db.schema.alterTable('jobs').addColumn('file_deleted_reason', 'varchar(16)').execute();
        await db.schema.alterTable('jobs').addColumn('expires_at', 'varchar(32)').execute();
        await db.schema.alterTable('job_files').addColumn('size_bytes', 'bigint').execute();
        await db.schema.createIndex('job_files_owner').on('job_files').column('api_key_fp').execute();
      },
    },
    '0112_subscriptions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('subscriptions')
          .addColumn('subscription_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('filters', 'text', (c) => c.notNull())
          .addColumn('options', 'text', (c) => c.notNull())
          .addColumn('webhook_url', 'text')
          .addColumn('check_interval_sec', 'integer', (c) => c.notNull())
          .addColumn('backfill', 'varchar(16)', (c) => c.notNull())
          .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('title', 'text')
          .addColumn('last_check_at', 'varchar(32)')
          .addColumn('last_status', 'varchar(16)')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('subscriptions_owner').on('subscriptions').columns(['api_key_fp', 'created_at']).execute();
        await db.schema
          .createTable('subscription_checks')
          .addColumn('check_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('subscription_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('finished_at', 'varchar(32)')
          .addColumn('items_seen', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('new_items', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('request_ids', 'text', (c) => c.notNull())
          .addColumn('error', 'text')
          .execute();
        await db.schema.createIndex('subscription_checks_sub').on('subscription_checks').columns(['subscription_id', 'started_at']).execute();
        await db.schema
          .createTable('subscription_items')
          .addColumn('subscription_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('item_key', 'varchar(64)', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('title', 'text')
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('request_id', 'varchar(64)')
          .addColumn('check_id', 'varchar(64)')
          .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('subscription_items_pk', ['subscription_id', 'item_key'])
          .execute();
      },
    },
    '0113_job_events': {
      async up(db: Kysely<unknown>) {
        // what every replica's event streams send and replay: one row per job change, in commit order
        await db.schema
          .createTable('job_events')
          // a busy store writes a billion changes in a year: 64 bits (SQLite's rowid already is)
          .addColumn('id', kind === 'postgres' ? 'bigint' : 'integer', id)
          .addColumn('api_key_fp', 'varchar(64)', (c) => c.notNull())
          .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('view', 'text', (c) => c.notNull())
          .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_events_owner').on('job_events').columns(['api_key_fp', 'id']).execute();
        await db.schema.createIndex('job_events_recorded').on('job_events').column('recorded_at').execute();
      },
    },
  };
}

export class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly kind: StoreKind) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return buildMigrations(this.kind);
  }
}
