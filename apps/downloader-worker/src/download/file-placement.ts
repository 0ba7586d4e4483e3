import { join, resolve } from 'node:path';
import { defaultFilePath } from '@mda/contracts';
import { InvalidKeyError, MediaStore, PARTIAL_FOLDER } from '@mda/media-store';
import { DownloadError } from './ports/media-downloader';

export { PARTIAL_FOLDER };

/**
 * Stores a finished temp file under its final, public name in the media store (the folder: a
 * rename; S3: an upload), so a partial file never appears under a final name. A default path
 * belongs to this job alone and is replaced (a redelivered job writes it again); a templated name
 * may be shared by two jobs, so an existing file is kept and this one gets `-<suffix>` before its
 * extension.
 */
export async function placeFile(
  store: MediaStore,
  tempPath: string,
  filepath: string,
  opts: { keepExisting?: boolean; suffix?: string } = {},
): Promise<{ filepath: string; size: number }> {
  try {
    const placed = await store.put(tempPath, filepath, opts);
    return { filepath: placed.key, size: placed.size };
  } catch (err) {
    if (err instanceof InvalidKeyError) throw new DownloadError('invalid_request', 'The file path leaves the media folder');
    throw err;
  }
}

export function partialDir(storageDir: string, requestId: string): string {
  return join(resolve(storageDir), PARTIAL_FOLDER, requestId);
}

export { defaultFilePath };
