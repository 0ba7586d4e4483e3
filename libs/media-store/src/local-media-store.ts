import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { FileHandle, link, mkdir, open, readdir, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PARTIAL_FOLDER, normalizeKey, suffixedKey } from './media-key';
import { ByteRange, MediaStore, MediaUpload, OpenedObject, PutOptions, PutResult, StoredObject, UploadAbortedError } from './media-store';

/** Copies in progress (a scratch folder on another filesystem) live here until they are complete. */
const UPLOADS = join(PARTIAL_FOLDER, '.uploads');

export interface LocalMediaStoreOptions {
  /**
   * Always copy the local file in (through `.partial/.uploads`) instead of renaming it: for a
   * scratch folder on another filesystem. By default a rename, which falls back to a copy on EXDEV.
   */
  copy?: boolean;
}

/**
 * The media folder (STORAGE_DIR) as the store: a key is a path under it. A finished file is
 * renamed into place (a hard link when an existing file must be kept: `link` fails on a taken
 * name, so there is no clobbering and no race), so no half-written file ever has a final name.
 */
export class LocalMediaStore extends MediaStore {
  private readonly root: string;
  private readonly realRoot: Promise<string>;

  constructor(
    storageDir: string,
    private readonly opts: LocalMediaStoreOptions = {},
  ) {
    super();
    this.root = resolve(storageDir);
    this.realRoot = realpath(this.root).catch(() => this.root);
  }

  upload(localPath: string, key: string, opts: PutOptions = {}): MediaUpload {
    const abort = new AbortController();
    let settled = false;
    const done = (async () => {
      const target = normalizeKey(key); // before any I/O: a bad key changes nothing
      if (abort.signal.aborted) throw new UploadAbortedError(key);
      let copy: { dir: string; file: string } | undefined;
      try {
        if (this.opts.copy) copy = await this.copyIn(localPath, target, opts, abort.signal);
        let placed: PutResult;
        try {
          placed = await this.place(copy?.file ?? localPath, target, opts, abort.signal);
        } catch (err) {
          if (copy || (err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
          // the scratch folder is on another filesystem: copy in, then place the copy
          copy = await this.copyIn(localPath, target, opts, abort.signal);
          placed = await this.place(copy.file, target, opts, abort.signal);
        }
        if (copy) await unlink(localPath).catch(() => undefined);
        return placed;
      } finally {
        if (copy) await rm(copy.dir, { recursive: true, force: true });
      }
    })().finally(() => {
      settled = true;
    });
    return {
      done,
      abort: async () => {
        if (settled) return;
        abort.abort();
        await done.catch(() => undefined);
      },
    };
  }

  async read(key: string, range?: ByteRange): Promise<OpenedObject | null> {
    const opened = await this.open(key);
    if (!opened) return null;
    const { handle, info } = opened;
    try {
      if (range && (range.start > range.end || range.start >= info.size)) {
        throw new RangeError(`The range ${range.start}-${range.end} is outside the object (${info.size} bytes)`);
      }
      const served = range ? { start: range.start, end: Math.min(range.end, info.size - 1) } : undefined;
      if (info.size === 0) {
        await handle.close();
        return { ...info, body: Readable.from([]) };
      }
      // the stream owns the handle from here: it closes it when it ends or is destroyed
      const body = handle.createReadStream({ start: served?.start ?? 0, end: served?.end ?? info.size - 1, highWaterMark: 1 << 20 });
      return { ...info, ...(served ? { range: served } : {}), body };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    const opened = await this.open(key);
    if (!opened) return null;
    await opened.handle.close();
    return opened.info;
  }

  async delete(key: string): Promise<boolean> {
    const opened = await this.open(key);
    if (!opened) return false;
    await opened.handle.close();
    try {
      await unlink(opened.real);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue; // the work area and hidden files are never objects
        const key = rel ? `${rel}/${e.name}` : e.name;
        // descend only into folders that can hold keys with the prefix
        if (e.isDirectory() && (key.startsWith(prefix) || prefix.startsWith(`${key}/`))) await walk(join(dir, e.name), key);
        else if (e.isFile() && key.startsWith(prefix)) {
          const st = await stat(join(dir, e.name)).catch(() => null);
          if (st) out.push(objectOf(key, st));
        }
      }
    };
    await walk(this.root, '');
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async incompleteUploads(): Promise<string[]> {
    return (await this.uploadsInProgress()).map((u) => u.key);
  }

  async abortIncompleteUploads(before: Date): Promise<number> {
    let n = 0;
    for (const u of await this.uploadsInProgress()) {
      if (u.started >= before) continue;
      await rm(u.dir, { recursive: true, force: true });
      n++;
    }
    return n;
  }

  async presignedGetUrl(): Promise<string | null> {
    return null;
  }

  /** A rename into place, or, keeping an existing file, a hard link that fails on a taken name. */
  private async place(source: string, key: string, opts: PutOptions, signal: AbortSignal): Promise<PutResult> {
    if (signal.aborted) throw new UploadAbortedError(key);
    let target = join(this.root, key);
    await mkdir(dirname(target), { recursive: true });
    if (signal.aborted) throw new UploadAbortedError(key);
    if (!opts.keepExisting) {
      await rename(source, target);
    } else {
      try {
        await link(source, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        target = join(this.root, suffixedKey(key, opts.suffix ?? Date.now().toString(36)));
        await rename(source, target);
      }
      await unlink(source).catch(() => undefined);
    }
    const { size } = await stat(target);
    opts.onProgress?.(size, size);
    return { key: relative(this.root, target).split(sep).join('/'), size };
  }

  /** Copies the file into `.partial/.uploads/<id>/<key>`, reporting progress; removed again if aborted or failed. */
  private async copyIn(localPath: string, key: string, opts: PutOptions, signal: AbortSignal): Promise<{ dir: string; file: string }> {
    const dir = join(this.root, UPLOADS, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
    const dest = join(dir, key);
    try {
      await mkdir(dirname(dest), { recursive: true });
      const { size } = await stat(localPath);
      let sent = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length;
          opts.onProgress?.(sent, size);
          cb(null, chunk);
        },
      });
      await pipeline(createReadStream(localPath), count, createWriteStream(dest, { flags: 'wx' }), { signal });
      return { dir, file: dest };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      if (signal.aborted) throw new UploadAbortedError(key);
      throw err;
    }
  }

  private async uploadsInProgress(): Promise<Array<{ key: string; dir: string; started: Date }>> {
    const base = join(this.root, UPLOADS);
    let dirs: string[];
    try {
      dirs = await readdir(base);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Array<{ key: string; dir: string; started: Date }> = [];
    for (const d of dirs) {
      const dir = join(base, d);
      const files = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      const started = (await stat(dir).catch(() => null))?.mtime ?? new Date(0);
      const file = files.find((f) => f.isFile());
      out.push({ key: file ? relative(dir, join(file.parentPath, file.name)).split(sep).join('/') : '', dir, started });
    }
    return out;
  }

  /**
   * The regular file behind a key whose real location (symlinks followed) is inside the folder
   * and outside the work area, opened without following a last-moment symlink; null otherwise.
   */
  private async open(key: string): Promise<{ handle: FileHandle; info: StoredObject; real: string } | null> {
    const norm = normalizeKey(key);
    const root = await this.realRoot;
    let real: string;
    try {
      real = await realpath(join(root, norm));
    } catch {
      return null;
    }
    if (!real.startsWith(root + sep) || real.startsWith(join(root, PARTIAL_FOLDER) + sep)) return null;
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      return null;
    }
    return { handle, info: objectOf(norm, st), real };
  }
}

function objectOf(key: string, st: { size: number; mtimeMs: number; mtime: Date; ino: number }): StoredObject {
  // the gateway's ETag of today: size, modification time and inode
  return { key, size: st.size, etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-${st.ino.toString(16)}"`, lastModified: st.mtime };
}
