import { link, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { defaultFilePath } from '@mda/contracts';
import { DownloadError } from './ports/media-downloader';

/** Folder of partial files under STORAGE_DIR; never served. */
export const PARTIAL_FOLDER = '.partial';

/**
 * Moves a finished temp file to its final, public name on the same filesystem, so a partial
 * file never appears under a final name. A default path belongs to this job alone and is replaced
 * (a redelivered job writes it again); a templated name may be shared by two jobs, so an existing
 * file is kept and this one gets `-<suffix>` before its extension.
 */
export async function placeFile(
  storageDir: string,
  tempPath: string,
  filepath: string,
  opts: { keepExisting?: boolean; suffix?: string } = {},
): Promise<{ filepath: string; size: number }> {
  const root = resolve(storageDir);
  let target = resolve(root, filepath);
  if (!target.startsWith(root + sep) || target.startsWith(join(root, PARTIAL_FOLDER) + sep)) {
    throw new DownloadError('invalid_request', 'The file path leaves the media folder');
  }
  await mkdir(dirname(target), { recursive: true });
  if (!opts.keepExisting) {
    await rename(tempPath, target);
  } else {
    try {
      await link(tempPath, target); // fails if the name is taken: no clobbering, no race
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const ext = extname(target);
      target = `${target.slice(0, target.length - ext.length)}-${opts.suffix ?? Date.now().toString(36)}${ext}`;
      await rename(tempPath, target);
    }
    await unlink(tempPath).catch(() => undefined);
  }
  const { size } = await stat(target);
  return { filepath: relative(root, target).split(sep).join('/'), size };
}

export function partialDir(storageDir: string, requestId: string): string {
  return join(resolve(storageDir), PARTIAL_FOLDER, requestId);
}

export { defaultFilePath };
