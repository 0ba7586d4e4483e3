import { posix } from 'node:path';
import { InvalidKeyError } from './media-store';

/** The work area for partial files (today `STORAGE_DIR/.partial`): never a finished object's key. */
export const PARTIAL_FOLDER = '.partial';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The canonical form of a key, as the local folder resolves it (`a/./b` → `a/b`, `a/x/../b` →
 * `a/b`), so both stores name the same file the same way; throws `InvalidKeyError` for a key that
 * is empty, absolute, leaves the store (`..`), names the work area, or holds control characters.
 */
export function normalizeKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new InvalidKeyError(String(key), 'empty');
  if (key.length > 1024) throw new InvalidKeyError(key, 'longer than 1024 characters');
  if (CONTROL.test(key)) throw new InvalidKeyError(key, 'control characters are not allowed');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'absolute keys are not allowed');
  const norm = posix.normalize(key);
  if (norm === '.' || norm === '..' || norm.startsWith('../')) throw new InvalidKeyError(key, 'it leaves the media store');
  if (norm.endsWith('/')) throw new InvalidKeyError(key, 'it names a folder, not a file');
  if (norm === PARTIAL_FOLDER || norm.startsWith(`${PARTIAL_FOLDER}/`))
    throw new InvalidKeyError(key, `the ${PARTIAL_FOLDER} work area is not for finished files`);
  return norm;
}

/** `a/Title.en.vtt` with suffix `x1` → `a/Title.en-x1.vtt`: the suffix goes before the last extension. */
export function suffixedKey(key: string, suffix: string): string {
  const ext = posix.extname(key);
  return `${key.slice(0, key.length - ext.length)}-${suffix}${ext}`;
}
