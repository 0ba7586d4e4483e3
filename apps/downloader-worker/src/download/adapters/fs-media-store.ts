import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PARTIAL_FOLDER } from '../file-placement';
import { MediaStore, StoreCheck } from '../ports/media-store';

/** Checks the media folder by creating and removing a small file in it and in its work area. */
export class FsMediaStore extends MediaStore {
  constructor(private readonly storageDir: string) {
    super();
  }

  async check(): Promise<StoreCheck> {
    const dir = join(resolve(this.storageDir), PARTIAL_FOLDER);
    const probe = join(dir, `.probe-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
      return { usable: true };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { usable: false, reason: e.code ? `${e.code}: ${e.message}` : String(e.message ?? err) };
    }
  }
}
