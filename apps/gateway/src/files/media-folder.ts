import { constants } from 'node:fs';
import { FileHandle, open, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

export interface OpenedFile {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * The media folder (STORAGE_DIR) as the file server sees it: a path resolves only to a regular
 * file whose real location (symlinks followed) is inside the folder and outside `.partial`.
 */
export class MediaFolder {
  private root: Promise<string>;

  constructor(storageDir: string) {
    this.root = realpath(resolve(storageDir)).catch(() => resolve(storageDir));
  }

  /** The open file, or null when there is no such servable file. The caller closes the handle. */
  async open(relativePath: string): Promise<OpenedFile | null> {
    const root = await this.root;
    let real: string;
    try {
      real = await realpath(join(root, relativePath));
    } catch {
      return null;
    }
    if (!real.startsWith(root + sep) || real.startsWith(join(root, '.partial') + sep)) return null;
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: the checked path cannot be swapped for a symlink between the check and the open
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      return null;
    }
    return { handle, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  }
}
