import { InvalidKeyError, MediaStore } from '@mda/media-store';
import { MediaFiles } from '../media-files.port';

/**
 * Removal through the media store (the STORAGE_DIR folder or the S3 bucket). A path no key can
 * name (absolute, `..`, the `.partial` work area) is skipped: it was never a stored file.
 */
export class StoreMediaFiles extends MediaFiles {
  constructor(private readonly store: MediaStore) {
    super();
  }

  async remove(paths: string[]): Promise<number> {
    let existed = 0;
    for (const p of paths) {
      try {
        if (await this.store.delete(p)) existed += 1;
      } catch (err) {
        if (!(err instanceof InvalidKeyError)) throw err;
      }
    }
    return existed;
  }
}
