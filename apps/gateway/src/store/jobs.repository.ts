import { Inject, Injectable } from '@nestjs/common';
import { CompiledQuery, Kysely } from 'kysely';
import { DATABASE } from './database.tokens';
import { JOB_STATUSES } from '@mda/contracts';
import type { DownloadOptions, FileInfo, JobStatus, MediaMetadata, Progress } from '@mda/contracts';
import type { Database, JobsTable } from './schema';

export interface Job {
  request_id: string;
  api_key_fp: string;
  url: string;
  status: JobStatus;
  options: DownloadOptions;
  webhook_url: string | null;
  batch_id: string | null;
  progress: Progress | null;
  file_info: FileInfo | null;
  metadata: MediaMetadata | null;
  error: string | null;
  error_code: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  retry_of: string | null;
  file_deleted_at: string | null;
  file_deleted_reason: string | null;
  expires_at: string | null;
}

export interface NewJob {
  request_id: string;
  api_key_fp: string;
  url: string;
  options: DownloadOptions;
  webhook_url: string | null;
  batch_id: string | null;
  created_at: string;
  retry_of?: string | null;
}

export interface ListQuery {
  ownerFp: string;
  status?: JobStatus;
  batchId?: string;
  limit: number;
  /** Exclusive position: (created_at, request_id) of the last row of the previous page. */
  after?: { created_at: string; request_id: string };
}

const OPEN: JobStatus[] = ['queued', 'running'];

/** Log lines kept per job (the worker sends at most as many). */
export const MAX_JOB_LOG_LINES = 500;

function parse<T>(v: string | null): T | null {
  return v === null ? null : (JSON.parse(v) as T);
}

function toJob(r: JobsTable): Job {
  return {
    ...r,
    status: r.status as JobStatus,
    options: JSON.parse(r.options) as DownloadOptions,
    progress: parse<Progress>(r.progress),
    file_info: parse<FileInfo>(r.file_info),
    metadata: parse<MediaMetadata>(r.metadata),
  };
}

/** Rows one grouped insert writes at most (20 columns each: far below both databases' parameter limits). */
export const MAX_GROUPED_ROWS = 100;

/** The row of a new job. Every row has the same columns in the same order, which grouped inserts rely on. */
export function newJobRow(job: NewJob): JobsTable {
  // named one by one: a spread would put an optional field first only when it is given
  return {
    request_id: job.request_id,
    api_key_fp: job.api_key_fp,
    url: job.url,
    webhook_url: job.webhook_url,
    batch_id: job.batch_id,
    created_at: job.created_at,
    options: JSON.stringify(job.options),
    status: 'queued',
    progress: null,
    file_info: null,
    metadata: null,
    error: null,
    error_code: null,
    started_at: null,
    completed_at: null,
    updated_at: job.created_at,
    retry_of: job.retry_of ?? null,
    file_deleted_at: null,
    file_deleted_reason: null,
    expires_at: null,
  };
}

interface PendingInsert {
  row: JobsTable;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The gateway's read model of jobs. Transitions never leave a final state. */
@Injectable()
export class JobsRepository {
  private pending: PendingInsert[] = [];
  /** The SQL of an n-row insert, compiled once per n (building it each time cost more than running it). */
  private readonly groupedSql = new Map<number, string>();

  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async insert(job: NewJob): Promise<void> {
    await this.db.insertInto('jobs').values(newJobRow(job)).execute();
  }

  /**
   * Inserts a job together with the others submitted in the same turn of the event loop: one
   * multi-row statement, one transaction (group commit). Each caller still resolves only once
   * its row is stored; if the statement fails, the rows are retried one by one so that only the
   * caller of a bad row sees an error. Not for use inside a transaction.
   */
  insertGrouped(job: NewJob): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row: newJobRow(job), resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flushGrouped());
    });
  }

  private async flushGrouped(): Promise<void> {
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_GROUPED_ROWS) {
      const group = all.slice(i, i + MAX_GROUPED_ROWS);
      try {
        await this.db.executeQuery(this.compiledGroupInsert(group.map((p) => p.row)));
        for (const p of group) p.resolve();
      } catch (err) {
        if (group.length === 1) {
          group[0].reject(err);
          continue;
        }
        // the statement stored nothing: one row at a time, so one bad row fails only its caller
        for (const p of group) {
          await this.db.insertInto('jobs').values(p.row).execute().then(p.resolve, p.reject);
        }
      }
    }
  }

  /**
   * The same statement Kysely builds for these rows (made by newJobRow: one column order), with
   * its SQL text reused for every group of the same size.
   */
  compiledGroupInsert(rows: JobsTable[]): CompiledQuery {
    let sql = this.groupedSql.get(rows.length);
    if (sql === undefined) {
      sql = this.db.insertInto('jobs').values(rows).compile().sql;
      this.groupedSql.set(rows.length, sql);
    }
    return CompiledQuery.raw(
      sql,
      rows.flatMap((row) => Object.values(row)),
    );
  }

  async remove(requestId: string): Promise<void> {
    await this.db.deleteFrom('jobs').where('request_id', '=', requestId).execute();
  }

  async find(requestId: string, ownerFp?: string): Promise<Job | undefined> {
    let q = this.db.selectFrom('jobs').selectAll().where('request_id', '=', requestId);
    if (ownerFp) q = q.where('api_key_fp', '=', ownerFp);
    const row = await q.executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /** How many jobs are in each status (all keys). */
  async countByStatus(): Promise<Record<JobStatus, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
    const out = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const r of rows) if (r.status in out) out[r.status as JobStatus] = Number(r.n);
    return out;
  }

  async list(q: ListQuery): Promise<Job[]> {
    let query = this.db.selectFrom('jobs').selectAll().where('api_key_fp', '=', q.ownerFp);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.batchId) query = query.where('batch_id', '=', q.batchId);
    if (q.after) {
      const a = q.after;
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', a.created_at), eb.and([eb('created_at', '=', a.created_at), eb('request_id', '<', a.request_id)])]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('request_id', 'desc').limit(q.limit).execute();
    return rows.map(toJob);
  }

  /** queued → running; with what the media is when the worker knew it at the start (title, uploader, duration, thumbnail). */
  async markStarted(requestId: string, at: string, metadata?: MediaMetadata): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        started_at: eb.fn.coalesce('started_at', eb.val(at)),
        updated_at: at,
        ...(metadata ? { metadata: JSON.stringify(metadata) } : {}),
      }))
      .where('request_id', '=', requestId)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async recordProgress(requestId: string, progress: Progress, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ status: 'running', progress: JSON.stringify(progress), updated_at: at })
      .where('request_id', '=', requestId)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** What the media is, learnt while the job runs (the final event's metadata replaces it). */
  async recordRunningMetadata(requestId: string, metadata: MediaMetadata, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ metadata: JSON.stringify(metadata), updated_at: at })
      .where('request_id', '=', requestId)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** queued → cancelled in one conditional update; false when the job had already left `queued`. */
  async cancelQueued(requestId: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ status: 'cancelled', completed_at: at, updated_at: at, error: 'Cancelled by request', error_code: 'cancelled' })
      .where('request_id', '=', requestId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Replaces the job's downloader log (final events carry it whole; a redelivered event writes the same lines once). */
  async replaceLogs(requestId: string, lines: string[], at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('job_logs').where('request_id', '=', requestId).execute();
      const kept = lines.slice(-MAX_JOB_LOG_LINES);
      for (let i = 0; i < kept.length; i += 200) {
        await tx
          .insertInto('job_logs')
          .values(kept.slice(i, i + 200).map((line) => ({ request_id: requestId, at, line })))
          .execute();
      }
    });
  }

  async logs(requestId: string): Promise<Array<{ at: string; line: string }>> {
    return this.db.selectFrom('job_logs').select(['at', 'line']).where('request_id', '=', requestId).orderBy('id', 'asc').limit(MAX_JOB_LOG_LINES).execute();
  }

  /** The job's files are gone (deleted by request or expired); the record stays. */
  async markFileDeleted(requestId: string, at: string, reason: 'deleted' | 'expired'): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set((eb) => ({
        file_deleted_at: eb.fn.coalesce('file_deleted_at', eb.val(at)),
        file_deleted_reason: eb.fn.coalesce('file_deleted_reason', eb.val(reason)),
        updated_at: at,
      }))
      .where('request_id', '=', requestId)
      .execute();
  }

  /** When the retention removes the job's files. */
  async setExpiresAt(requestId: string, at: string): Promise<void> {
    await this.db.updateTable('jobs').set({ expires_at: at }).where('request_id', '=', requestId).execute();
  }

  /** A page of the key's final jobs in these statuses, oldest first (clear). */
  async listFinal(ownerFp: string, statuses: JobStatus[], limit: number, batchId?: string): Promise<Job[]> {
    let q = this.db.selectFrom('jobs').selectAll().where('api_key_fp', '=', ownerFp).where('status', 'in', statuses);
    if (batchId) q = q.where('batch_id', '=', batchId);
    const rows = await q.orderBy('created_at', 'asc').orderBy('request_id', 'asc').limit(limit).execute();
    return rows.map(toJob);
  }

  /** The key's failed jobs (of a batch, when given) that no job retries yet. */
  async listRetryable(ownerFp: string, limit: number, batchId?: string): Promise<Job[]> {
    let q = this.db
      .selectFrom('jobs as j')
      .selectAll('j')
      .where('j.api_key_fp', '=', ownerFp)
      .where('j.status', '=', 'failed')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('jobs as r').select('r.request_id').whereRef('r.retry_of', '=', 'j.request_id'))));
    if (batchId) q = q.where('j.batch_id', '=', batchId);
    const rows = await q.orderBy('j.created_at', 'asc').limit(limit).execute();
    return rows.map(toJob);
  }

  /** Removes final job records and their log lines (clear). */
  async removeFinal(requestIds: string[]): Promise<number> {
    if (requestIds.length === 0) return 0;
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('job_logs').where('request_id', 'in', requestIds).execute();
      const r = await tx
        .deleteFrom('jobs')
        .where('request_id', 'in', requestIds)
        .where('status', 'in', ['completed', 'failed', 'cancelled'])
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  async finish(
    requestId: string,
    status: Extract<JobStatus, 'completed' | 'failed' | 'cancelled'>,
    at: string,
    fields: { file_info?: FileInfo; metadata?: MediaMetadata; error?: string; error_code?: string; progress?: Progress; expires_at?: string } = {},
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({
        status,
        completed_at: at,
        updated_at: at,
        ...(fields.file_info ? { file_info: JSON.stringify(fields.file_info) } : {}),
        ...(fields.metadata ? { metadata: JSON.stringify(fields.metadata) } : {}),
        ...(fields.progress ? { progress: JSON.stringify(fields.progress) } : {}),
        ...(fields.expires_at ? { expires_at: fields.expires_at } : {}),
        ...(fields.error !== undefined ? { error: fields.error, error_code: fields.error_code ?? null } : {}),
      })
      .where('request_id', '=', requestId)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
