import { readdir, rm } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';

/** Names already in the folder, so that only what the job added is removed afterwards. */
export async function listEntries(dir: string): Promise<Set<string>> {
  return new Set(await readdir(dir));
}

/** Removes every entry the job added (partial files, fragments, temp files), keeping the rest (e.g. a cookies file). */
export async function removeNewEntries(dir: string, existing: Set<string>): Promise<void> {
  const now = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(now.filter((name) => !existing.has(name)).map((name) => rm(join(dir, name), { recursive: true, force: true })));
}

/** Whether `path` lies inside `dir` (yt-dlp reports the final path; never trust it blindly). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(dir, path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
