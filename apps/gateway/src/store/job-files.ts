import { Kysely } from 'kysely';
import type { Database, JobFilesTable } from './schema';

/** The stored paths a job's `file_info` names: the media file and, when listed, its sidecars. */
export function filePathsOf(fileInfo: unknown): string[] {
  if (!fileInfo || typeof fileInfo !== 'object') return [];
  const info = fileInfo as { filepath?: unknown; files?: unknown };
  const paths = typeof info.filepath === 'string' ? [info.filepath] : [];
  if (Array.isArray(info.files)) {
    for (const f of info.files as Array<{ filepath?: unknown }>) if (typeof f?.filepath === 'string') paths.push(f.filepath);
  }
  return [...new Set(paths)];
}

/** The job_files rows of one completed job. */
export function jobFileRows(job: { request_id: string; api_key_fp: string }, fileInfo: unknown): Array<Omit<JobFilesTable, 'size_bytes'>> {
  return filePathsOf(fileInfo).map((path) => ({ path, request_id: job.request_id, api_key_fp: job.api_key_fp }));
}

/** The size `file_info` reports for each stored path (the media file and its listed sidecars). */
export function fileSizesOf(fileInfo: unknown): Map<string, number> {
  const sizes = new Map<string, number>();
  if (!fileInfo || typeof fileInfo !== 'object') return sizes;
  const info = fileInfo as { filepath?: unknown; size_bytes?: unknown; files?: unknown };
  if (Array.isArray(info.files)) {
    for (const f of info.files as Array<{ filepath?: unknown; size_bytes?: unknown }>) {
      if (typeof f?.filepath === 'string' && typeof f.size_bytes === 'number') sizes.set(f.filepath, f.size_bytes);
    }
  }
  if (typeof info.filepath === 'string' && typeof info.size_bytes === 'number') sizes.set(info.filepath, info.size_bytes);
  return sizes;
}

const PAGE = 500;

/** Fills job_files from the jobs completed before it existed (migration 0104), a page at a time. */
export async function backfillJobFiles(anyDb: Kysely<unknown>): Promise<void> {
  const db = anyDb as unknown as Kysely<Database>;
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('jobs')
      .select(['request_id', 'api_key_fp', 'file_info'])
      .where('file_info', 'is not', null)
      .where('request_id', '>', after)
      .orderBy('request_id')
      .limit(PAGE)
      .execute();
    if (page.length === 0) return;
    const rows = page.flatMap((j) => jobFileRows(j, parseOrNull(j.file_info)));
    if (rows.length)
      await db
        .insertInto('job_files')
        .values(rows)
        .onConflict((oc) => oc.column('path').doNothing())
        .execute();
    after = page[page.length - 1].request_id;
  }
}

function parseOrNull(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
