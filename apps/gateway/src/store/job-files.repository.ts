import { Kysely } from 'kysely';
import type { FileInfo } from '@mda/contracts';
import { jobFileRows } from './job-files';
import type { Database } from './schema';

/** Who owns each stored file: filled when a job completes, read by /files for API-key access. */
export class JobFilesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records the files of a completed job under the job's owner. Idempotent, so it runs on every
   * delivery of download.completed; the job that wrote a path last owns it.
   */
  async record(requestId: string, fileInfo: FileInfo): Promise<void> {
    const job = await this.db.selectFrom('jobs').select(['request_id', 'api_key_fp']).where('request_id', '=', requestId).executeTakeFirst();
    if (!job) return;
    const rows = jobFileRows(job, fileInfo);
    if (rows.length === 0) return;
    await this.db
      .insertInto('job_files')
      .values(rows)
      .onConflict((oc) => oc.column('path').doUpdateSet((eb) => ({ request_id: eb.ref('excluded.request_id'), api_key_fp: eb.ref('excluded.api_key_fp') })))
      .execute();
  }

  /** The fingerprint of the API key whose job wrote `path`, or undefined for a file no job owns. */
  async ownerOf(path: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('job_files').select('api_key_fp').where('path', '=', path).executeTakeFirst();
    return row?.api_key_fp;
  }
}
