import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PARTIAL_FOLDER } from '@mda/media-store';
import { WorkArea } from '../ports/work-area';

/** The work area as folders under `STORAGE_DIR/.partial`, one per request id. */
export class NodeFsWorkArea extends WorkArea {
  private readonly root: string;

  constructor(storageDir: string) {
    super();
    this.root = join(resolve(storageDir), PARTIAL_FOLDER);
  }

  /** The job's folder: `STORAGE_DIR/.partial/<request id>`. */
  dirOf(requestId: string): string {
    // a request id is checked by its schema; basename keeps any other string inside the work area
    return join(this.root, basename(requestId));
  }

  async prepare(requestId: string): Promise<string> {
    const dir = this.dirOf(requestId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async write(requestId: string, name: string, content: string): Promise<string> {
    const path = join(this.dirOf(requestId), basename(name));
    await writeFile(path, content);
    return path;
  }

  async clean(requestId: string): Promise<void> {
    await rm(this.dirOf(requestId), { recursive: true, force: true });
  }

  async sweep(before: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    // dot entries are not jobs: the media store's own `.uploads`, the store check's probe files
    for (const name of names.filter((n) => !n.startsWith('.'))) {
      const dir = join(this.root, name);
      const st = await stat(dir).catch(() => null);
      if (!st?.isDirectory() || st.mtime >= before) continue;
      await rm(dir, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}
