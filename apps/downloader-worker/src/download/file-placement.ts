import { defaultFilePath } from '@mda/contracts';
import { InvalidKeyError, MediaStore, PARTIAL_FOLDER, UploadAbortedError } from '@mda/media-store';
import { DownloadError } from './ports/media-downloader';

export { PARTIAL_FOLDER };

/**
 * Stores a finished temp file under its final, public name in the media store (the folder: a
 * rename; S3: an upload), so a partial file never appears under a final name. A default path
 * belongs to this job alone and is replaced (a redelivered job writes it again); a templated name
 * may be shared by two jobs, so an existing file is kept and this one gets `-<suffix>` before its
 * extension. When `signal` aborts (a cancel, the time limit) the upload under way is aborted (no
 * object and no incomplete multipart upload is left) and the signal's reason is thrown. Each key
 * stored is added to `placed` (to remove a cancelled job's files already in place).
 */
export async function placeFile(
  store: MediaStore,
  tempPath: string,
  filepath: string,
  opts: { keepExisting?: boolean; suffix?: string; signal?: AbortSignal; placed?: string[] } = {},
): Promise<{ filepath: string; size: number }> {
  const { signal, placed: placedKeys, ...putOpts } = opts;
  if (signal?.aborted) throw signal.reason;
  const upload = store.upload(tempPath, filepath, putOpts);
  const onAbort = () => void upload.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const placed = await upload.done;
    placedKeys?.push(placed.key);
    return { filepath: placed.key, size: placed.size };
  } catch (err) {
    if (err instanceof InvalidKeyError) throw new DownloadError('invalid_request', 'The file path leaves the media folder');
    if (err instanceof UploadAbortedError && signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export { defaultFilePath };
