import type { Readable } from 'node:stream';

/** What a stored object is: its key, size, a validator for caches (ETag) and when it was written. */
export interface StoredObject {
  key: string;
  size: number;
  /** A strong ETag, quotes included (`"…"`), as an HTTP response carries it. */
  etag: string;
  lastModified: Date;
}

/** An inclusive byte range, as a parsed `Range: bytes=start-end` gives it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** An object opened for reading: the bytes of the asked range (or all of them) as a stream. */
export interface OpenedObject extends StoredObject {
  /** The range served, clipped to the object; absent when the whole object is served. */
  range?: ByteRange;
  body: Readable;
}

export interface PutOptions {
  /**
   * When the key is taken: false (default) replaces the existing object (a job's own default path,
   * written again by a redelivery); true keeps it and stores this one as `<name>-<suffix><ext>`.
   */
  keepExisting?: boolean;
  /** The collision suffix; default: the current time in base 36. */
  suffix?: string;
  contentType?: string;
  /** Bytes sent so far and the total, as the upload goes. */
  onProgress?: (sent: number, total: number) => void;
}

/** Where a put landed: the key actually used (suffixed on a collision) and the stored size. */
export interface PutResult {
  key: string;
  size: number;
}

/**
 * An upload under way. `done` settles once: with where it landed, or with an error (an
 * `UploadAbortedError` after `abort()`). An aborted upload leaves no object and no incomplete
 * multipart upload behind.
 */
export interface MediaUpload {
  readonly done: Promise<PutResult>;
  abort(): Promise<void>;
}

/** A bad key: empty, absolute, with `.`/`..` or empty segments, control characters, or in the work area. */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid media key "${key.slice(0, 200)}": ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

export class UploadAbortedError extends Error {
  constructor(readonly key: string) {
    super(`Upload of "${key.slice(0, 200)}" was aborted`);
    this.name = 'UploadAbortedError';
  }
}

/**
 * Where finished media and sidecars live, by key (`videos/video-abc.mp4`): the local media
 * folder or an S3-compatible bucket. Keys are relative, `/`-separated, and never under the
 * `.partial` work area. Finished files enter only through `upload`/`put`, from a local file, so a
 * reader never sees half an object under its final key.
 */
export abstract class MediaStore {
  /** Starts storing the finished local file `localPath` under `key`. The local file is consumed (moved or removed) on success. */
  abstract upload(localPath: string, key: string, opts?: PutOptions): MediaUpload;

  /** `upload` and wait for it. */
  put(localPath: string, key: string, opts?: PutOptions): Promise<PutResult> {
    return this.upload(localPath, key, opts).done;
  }

  /** The object's bytes (the range clipped to its size, or all); null when there is no such object. */
  abstract read(key: string, range?: ByteRange): Promise<OpenedObject | null>;

  /** The object, or null when there is none. */
  abstract stat(key: string): Promise<StoredObject | null>;

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  /** Removes the object; false when there was none. */
  abstract delete(key: string): Promise<boolean>;

  /** Every object whose key starts with `prefix` (`''`: all), sorted by key. */
  abstract list(prefix: string): Promise<StoredObject[]>;

  /** Keys of uploads started but neither finished nor aborted (a crashed writer's leftovers). */
  abstract incompleteUploads(): Promise<string[]>;

  /** Aborts the incomplete uploads started before `before`; returns how many it aborted. */
  abstract abortIncompleteUploads(before: Date): Promise<number>;

  /**
   * A URL that downloads the object directly from the store for `expiresInSec`, with
   * `Content-Disposition: attachment` naming `filename`; null when the store cannot hand one out
   * (the local folder: the gateway's signed `/files` link serves it).
   */
  abstract presignedGetUrl(key: string, opts: { expiresInSec: number; filename: string }): Promise<string | null>;
}
