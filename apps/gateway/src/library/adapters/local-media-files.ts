import { lstat, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { MediaFiles } from '../media-files.port';

/** The local media folder (STORAGE_DIR): removes only regular files or links inside it, never follows a link out. */
export class LocalMediaFiles extends MediaFiles {
  private readonly root: string;

  constructor(storageDir: string) {
    super();
    this.root = resolve(storageDir);
  }

  async remove(paths: string[]): Promise<number> {
    let existed = 0;
    for (const p of paths) {
      const full = resolve(join(this.root, p));
      if (!full.startsWith(this.root + sep)) continue;
      try {
        const st = await lstat(full);
        if (st.isDirectory()) continue;
        await unlink(full);
        existed += 1;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return existed;
  }
}
