import { Inject, Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { DATABASE } from './database.tokens';
import type { FileInfo } from '@mda/contracts';
import { fileSizesOf, jobFileRows } from './job-files';
import type { Database } from './schema';

/** Who owns each stored file: filled when a job completes, read by /files for API-key access. */
@Injectable()
export class JobFilesRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /**
   * Records the files of a completed job under the job's owner. Idempotent, so it runs on every
   * delivery of download.completed; the job that wrote a path last owns it.
   */
  async record(requestId: string, fileInfo: FileInfo): Promise<void> {
    const job = await this.db.selectFrom('jobs').select(['request_id', 'api_key_fp']).where('request_id', '=', requestId).executeTakeFirst();
    if (!job) return;
    const sizes = fileSizesOf(fileInfo);
    const rows = jobFileRows(job, fileInfo).map((r) => ({ ...r, size_bytes: sizes.get(r.path) ?? null }));
    if (rows.length === 0) return;
    await this.db
      .insertInto('job_files')
      .values(rows)
      .onConflict((oc) =>
        oc.column('path').doUpdateSet((eb) => ({
          request_id: eb.ref('excluded.request_id'),
          api_key_fp: eb.ref('excluded.api_key_fp'),
          size_bytes: eb.ref('excluded.size_bytes'),
        })),
      )
      .execute();
  }

  /** The request id whose job owns `path`, or undefined. */
  async requestOf(path: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('job_files').select('request_id').where('path', '=', path).executeTakeFirst();
    return row?.request_id;
  }

  /** The stored paths of one job (what deleting or expiring its files removes). */
  async pathsOf(requestId: string): Promise<Array<{ path: string; size_bytes: number | null }>> {
    return this.db.selectFrom('job_files').select(['path', 'size_bytes']).where('request_id', '=', requestId).execute();
  }

  /** Forgets a job's files: /files and signed links answer 404 for them from now on. */
  async removeJob(requestId: string): Promise<void> {
    await this.db.deleteFrom('job_files').where('request_id', '=', requestId).execute();
  }

  /** Bytes and files stored per API key fingerprint (the files of jobs whose files are not deleted). */
  async usageByKey(): Promise<Array<{ api_key_fp: string; files: number; bytes: number }>> {
    const rows = await this.db
      .selectFrom('job_files')
      .select(['api_key_fp', (eb) => eb.fn.countAll<string>().as('files'), (eb) => eb.fn.sum<string>('size_bytes').as('bytes')])
      .groupBy('api_key_fp')
      .execute();
    return rows.map((r) => ({ api_key_fp: r.api_key_fp, files: Number(r.files), bytes: Number(r.bytes ?? 0) }));
  }

  /** The fingerprint of the API key whose job wrote `path`, or undefined for a file no job owns. */
  async ownerOf(path: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('job_files').select('api_key_fp').where('path', '=', path).executeTakeFirst();
    return row?.api_key_fp;
  }
}
