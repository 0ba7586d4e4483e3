import { Readable } from 'node:stream';
import {
  ByteRange,
  MediaStore,
  MediaUpload,
  OpenedObject,
  PutOptions,
  PutResult,
  StoredObject,
  UploadAbortedError,
  normalizeKey,
  suffixedKey,
} from '@mda/media-store';

/** An object the fake store holds: what a test checks (where it landed, from which local file, how large). */
export interface FakeStoredObject extends StoredObject {
  from: string;
  contentType?: string;
}

/** An upload the test holds open (see `FakeMediaStore.holdUploads`): finish it, or see it aborted. */
export interface HeldUpload {
  localPath: string;
  key: string;
  release(): void;
  readonly aborted: boolean;
}

/**
 * The MediaStore contract in memory: keys normalized and refused as the real stores refuse them,
 * `keepExisting` collisions suffixed `-<suffix>`, `abort()` leaving nothing. Sizes come from
 * `sizeOf` (the test's scratch files); uploads can be held to cancel one midway, or failed.
 */
export class FakeMediaStore extends MediaStore {
  readonly objects = new Map<string, FakeStoredObject>();
  readonly deleted: string[] = [];
  /** Uploads waiting for `release()` while held; the test reads them here. */
  readonly held: HeldUpload[] = [];
  private holding = false;
  private readonly failures: Error[] = [];
  private written = 0;

  constructor(private readonly sizeOf: (localPath: string) => number = () => 0) {
    super();
  }

  /** From now on each upload waits until the test calls its `release()` (or it is aborted). */
  holdUploads(): void {
    this.holding = true;
  }

  /** The next upload fails with `error` (a full disk, a bucket that refuses the write). */
  failNextUpload(error: Error): void {
    this.failures.push(error);
  }

  upload(localPath: string, key: string, opts: PutOptions = {}): MediaUpload {
    let abortUpload = (): void => undefined;
    let aborted = false;
    const done = (async (): Promise<PutResult> => {
      const target = normalizeKey(key);
      const failure = this.failures.shift();
      if (failure) throw failure;
      if (this.holding) {
        await new Promise<void>((resolve, reject) => {
          const held: HeldUpload = {
            localPath,
            key: target,
            release: resolve,
            get aborted() {
              return aborted;
            },
          };
          abortUpload = () => reject(new UploadAbortedError(key));
          this.held.push(held);
        });
      }
      if (aborted) throw new UploadAbortedError(key);
      const landed = opts.keepExisting && this.objects.has(target) ? suffixedKey(target, opts.suffix ?? 'x') : target;
      const size = this.sizeOf(localPath);
      this.written += 1;
      this.objects.set(landed, {
        key: landed,
        size,
        etag: `"${this.written}"`,
        lastModified: new Date(0),
        from: localPath,
        ...(opts.contentType ? { contentType: opts.contentType } : {}),
      });
      opts.onProgress?.(size, size);
      return { key: landed, size };
    })();
    return {
      done,
      abort: async () => {
        aborted = true;
        abortUpload();
        await done.catch(() => undefined);
      },
    };
  }

  async read(key: string, range?: ByteRange): Promise<OpenedObject | null> {
    const obj = await this.stat(key);
    if (!obj) return null;
    return { ...obj, ...(range ? { range } : {}), body: Readable.from([]) };
  }

  async stat(key: string): Promise<StoredObject | null> {
    const obj = this.objects.get(normalizeKey(key));
    return obj ? { key: obj.key, size: obj.size, etag: obj.etag, lastModified: obj.lastModified } : null;
  }

  async delete(key: string): Promise<boolean> {
    const norm = normalizeKey(key);
    this.deleted.push(norm);
    return this.objects.delete(norm);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const found = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix));
    return found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj);
  }

  async incompleteUploads(): Promise<string[]> {
    return this.held.filter((h) => !h.aborted).map((h) => h.key);
  }

  async abortIncompleteUploads(): Promise<number> {
    return 0;
  }

  async presignedGetUrl(): Promise<string | null> {
    return null;
  }
}
