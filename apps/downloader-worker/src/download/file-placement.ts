import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defaultFilePath } from '@mda/contracts';
import { DownloadError } from './ports/media-downloader';

/** Moves a finished temp file to its final, public name (an atomic rename on one filesystem). */
export async function placeFile(storageDir: string, tempPath: string, filepath: string): Promise<{ filepath: string; size: number }> {
  const root = resolve(storageDir);
  const target = resolve(root, filepath);
  if (!target.startsWith(root + sep)) throw new DownloadError('invalid_request', 'The file path leaves the media folder');
  await mkdir(dirname(target), { recursive: true });
  await rename(tempPath, target);
  const { size } = await stat(target);
  return { filepath: relative(root, target).split(sep).join('/'), size };
}

export function partialDir(storageDir: string, requestId: string): string {
  return join(resolve(storageDir), '.partial', requestId);
}

export { defaultFilePath };
