import { createReadStream } from 'node:fs';
import { stat as statFile, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachmentDisposition } from './content-disposition';
import { normalizeKey, suffixedKey } from './media-key';
import { ByteRange, MediaStore, MediaUpload, OpenedObject, PutOptions, PutResult, StoredObject, UploadAbortedError } from './media-store';

export interface S3MediaStoreConfig {
  /** Unset: AWS S3 itself. Otherwise the S3-compatible service (MinIO, R2, B2, Ceph). */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Prepended to every key (`media` → `media/videos/…`); empty: the bucket's root. */
  prefix?: string;
  /** Unset: the SDK's default credential chain (instance or pod role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, Ceph and most self-hosted servers). */
  forcePathStyle?: boolean;
  /** Multipart part size in bytes (S3's minimum, 5 MiB, by default) and parts in flight. */
  partSize?: number;
  queueSize?: number;
  /** Per-request timeout of the HTTP client. */
  requestTimeoutMs?: number;
}

const MIB = 1024 * 1024;

/**
 * An S3-compatible bucket as the store. Files go up with lib-storage's `Upload` (one PUT when
 * small, a multipart upload otherwise), so an object appears under its key only once complete.
 *
 * Collision naming (`keepExisting`): the key is checked with HEAD, and the write carries
 * `If-None-Match: *`, so a server with conditional writes (AWS S3, R2, MinIO) refuses to overwrite
 * an object that appeared meanwhile (412), and the file goes up again under the suffixed key.
 * A server that ignores the header (s3rver, older Ceph) leaves a race: two jobs writing the same
 * templated name at the same moment both see it free, and the later one wins.
 */
export class S3MediaStore extends MediaStore {
  readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly config: S3MediaStoreConfig) {
    super();
    this.client = new S3Client({
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      region: config.region,
      forcePathStyle: config.forcePathStyle ?? false,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // checksums only where S3 requires them: many S3-compatible servers reject the newer default ones
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { requestTimeout: config.requestTimeoutMs ?? 120_000, connectionTimeout: 10_000 },
      maxAttempts: 3,
    });
    this.prefix = (config.prefix ?? '').replace(/^\/+|\/+$/g, '');
  }

  upload(localPath: string, key: string, opts: PutOptions = {}): MediaUpload {
    const state: UploadState = { aborted: false, settled: false, started: new Date() };
    const done = (async () => {
      let target = normalizeKey(key); // before any request: a bad key changes nothing
      if (opts.keepExisting && (await this.stat(target))) target = suffixedKey(target, opts.suffix ?? Date.now().toString(36));
      let placed: PutResult;
      try {
        placed = await this.send(localPath, target, opts, state);
      } catch (err) {
        if (!opts.keepExisting || !isPreconditionFailed(err)) throw err;
        // taken between the HEAD and the write: the server refused to overwrite it
        placed = await this.send(localPath, suffixedKey(target, opts.suffix ?? Date.now().toString(36)), opts, state);
      }
      await unlink(localPath).catch(() => undefined);
      return placed;
    })().finally(() => {
      state.settled = true;
    });
    return {
      done,
      abort: async () => {
        if (state.settled) return;
        state.aborted = true;
        state.cancel?.();
        await done.catch(() => undefined);
      },
    };
  }

  async read(key: string, range?: ByteRange): Promise<OpenedObject | null> {
    const norm = normalizeKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey(norm), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      const total = range ? Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? res.ContentLength) : Number(res.ContentLength ?? 0);
      const served = range ? { start: range.start, end: Math.min(range.end, total - 1) } : undefined;
      return {
        key: norm,
        size: total,
        etag: res.ETag ?? '""',
        lastModified: res.LastModified ?? new Date(0),
        ...(served ? { range: served } : {}),
        body: res.Body as Readable,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      if (err instanceof S3ServiceException && err.name === 'InvalidRange')
        throw new RangeError(`The range ${range?.start}-${range?.end} is outside the object`);
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    const norm = normalizeKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey(norm) }));
      return { key: norm, size: Number(res.ContentLength ?? 0), etag: res.ETag ?? '""', lastModified: res.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<boolean> {
    const norm = normalizeKey(key);
    // S3 answers a delete the same whether or not the object was there
    if (!(await this.stat(norm))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey(norm) }));
    return true;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: this.fullKey(prefix), ContinuationToken: token }));
      for (const o of res.Contents ?? []) {
        if (!o.Key) continue;
        out.push({ key: this.storeKey(o.Key), size: Number(o.Size ?? 0), etag: o.ETag ?? '""', lastModified: o.LastModified ?? new Date(0) });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async incompleteUploads(): Promise<string[]> {
    return (await this.multipartUploads()).map((u) => this.storeKey(u.key));
  }

  async abortIncompleteUploads(before: Date): Promise<number> {
    let n = 0;
    for (const u of await this.multipartUploads()) {
      if (u.initiated >= before) continue;
      try {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.config.bucket, Key: u.key, UploadId: u.uploadId }));
        n++;
      } catch (err) {
        // every worker sweeps: another one aborted it between the listing and this request
        if (!isNotFound(err)) throw err;
      }
    }
    return n;
  }

  async presignedGetUrl(key: string, opts: { expiresInSec: number; filename: string }): Promise<string | null> {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: this.fullKey(normalizeKey(key)),
      ResponseContentDisposition: attachmentDisposition(opts.filename),
    });
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSec });
  }

  /** One upload attempt of the whole file under `key` (already final), aborted cleanly if asked. */
  private async send(localPath: string, key: string, opts: PutOptions, state: UploadState): Promise<PutResult> {
    if (state.aborted) throw new UploadAbortedError(key);
    const { size } = await statFile(localPath);
    const body = createReadStream(localPath);
    // Cancelling fails the body, not lib-storage's abort(): its done() then settles only after the
    // parts in flight have finished and it has aborted the multipart upload on the server (its
    // abort() rejects at once and leaves that to happen later, or a single PUT to land anyway)
    state.cancel = () => body.destroy(new UploadAbortedError(key));
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.config.bucket,
        Key: this.fullKey(key),
        Body: body,
        ContentLength: size,
        ...(opts.contentType ? { ContentType: opts.contentType } : {}),
        ...(opts.keepExisting ? { IfNoneMatch: '*' } : {}),
      },
      partSize: Math.max(5 * MIB, this.config.partSize ?? 5 * MIB),
      queueSize: this.config.queueSize ?? 4,
      leavePartsOnError: false,
    });
    upload.on('httpUploadProgress', (p) => opts.onProgress?.(p.loaded ?? 0, p.total ?? size));
    try {
      await upload.done();
    } catch (err) {
      if (state.aborted) {
        await this.abortLeftovers(key, state.started);
        throw new UploadAbortedError(key);
      }
      throw err;
    } finally {
      body.destroy();
    }
    if (state.aborted) {
      // the abort came after the last byte was read: the object landed, so it goes again
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey(key) }));
      throw new UploadAbortedError(key);
    }
    opts.onProgress?.(size, size);
    return { key, size };
  }

  /**
   * lib-storage aborts its multipart upload when the body fails; should that request itself have
   * failed, the uploads this writer started for the key are swept here. Best effort: a failure
   * leaves them to `abortIncompleteUploads` (and the bucket's lifecycle rule).
   */
  private async abortLeftovers(key: string, since: Date): Promise<void> {
    const full = this.fullKey(key);
    try {
      for (const u of await this.multipartUploads(full)) {
        // a minute of slack for clock skew between this host and the server
        if (u.key !== full || u.initiated.getTime() < since.getTime() - 60_000) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.config.bucket, Key: u.key, UploadId: u.uploadId }));
      }
    } catch {
      // swept later
    }
  }

  private async multipartUploads(prefix = this.fullKey('')): Promise<Array<{ key: string; uploadId: string; initiated: Date }>> {
    const out: Array<{ key: string; uploadId: string; initiated: Date }> = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const res = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.config.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of res.Uploads ?? []) if (u.Key && u.UploadId) out.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated ?? new Date(0) });
      keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
      uploadIdMarker = res.IsTruncated ? res.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return out;
  }

  private fullKey(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private storeKey(full: string): string {
    return this.prefix ? full.slice(this.prefix.length + 1) : full;
  }
}

interface UploadState {
  aborted: boolean;
  settled: boolean;
  started: Date;
  cancel?: () => void;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.name === 'NoSuchUpload' || e?.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}
