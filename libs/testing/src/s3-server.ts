import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** An S3-protocol server on 127.0.0.1 with its data in a temp folder; path-style, credentials S3RVER/S3RVER. */
export interface LocalS3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The folder holding the buckets' data (objects, and multipart parts under `._S3rver_uploads`). */
  directory: string;
  /** Creates a bucket (a unique name unless given) and returns its name. */
  createBucket(name?: string): Promise<string>;
  /** How a client reaches `bucket` here, its keys under `prefix`: the S3 part of a media store's settings. */
  clientSettings(bucket: string, prefix?: string): S3ClientSettings;
  close(): Promise<void>;
}

export interface S3ClientSettings {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: true;
}

let buckets = 0;

/** The part of a Koa context (s3rver is a Koa app) these operations use. */
interface Ctx {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  get(header: string): string;
  status: number;
  type: string;
  body: unknown;
}

/**
 * s3rver 3.7 (a pure-Node S3 server) plus the three S3 operations it lacks and a media store
 * needs: ListMultipartUploads, AbortMultipartUpload (and NoSuchUpload for a part sent to an
 * aborted upload), and `If-None-Match: *` on PutObject and CompleteMultipartUpload (412 when the
 * key exists). They work on s3rver's own files: an upload is `<bucket>/._S3rver_uploads/<id>/`,
 * an object `<bucket>/<key>._S3rver_object`.
 */
export async function startS3Server(): Promise<LocalS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'mda-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const koa = server as unknown as { middleware: Array<(ctx: Ctx, next: () => Promise<unknown>) => unknown> };
  // before s3rver's router (its last middleware), after its logging and XML rendering
  koa.middleware.splice(koa.middleware.length - 1, 0, missingOperations(directory));
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    region,
    ...credentials,
    directory,
    async createBucket(name) {
      const bucket = name ?? `mda-${process.pid}-${Date.now().toString(36)}-${++buckets}`;
      await (server as unknown as { store: { putBucket(name: string): Promise<void> } }).store.putBucket(bucket);
      return bucket;
    },
    clientSettings(bucket, prefix = 'media') {
      return { endpoint, region, bucket, prefix, credentials: { ...credentials }, forcePathStyle: true };
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const UPLOADS = '._S3rver_uploads';

function missingOperations(directory: string) {
  return async (ctx: Ctx, next: () => Promise<unknown>) => {
    const [bucket, ...keyParts] = ctx.path.slice(1).split('/').map(decodeURIComponent);
    const key = keyParts.join('/');
    const q = ctx.query;
    const bucketDir = join(directory, bucket ?? '');
    if (!bucket || !existsSync(bucketDir)) return next();
    const uploadDir = typeof q['uploadId'] === 'string' ? join(bucketDir, UPLOADS, q['uploadId']) : undefined;
    if (ctx.method === 'GET' && !key && 'uploads' in q) {
      ctx.type = 'application/xml';
      ctx.body = await listUploads(bucketDir, bucket, typeof q['prefix'] === 'string' ? q['prefix'] : '');
      return;
    }
    if (uploadDir && !existsSync(join(uploadDir, 'key')) && key && ['DELETE', 'PUT', 'POST'].includes(ctx.method)) {
      return s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    if (ctx.method === 'DELETE' && key && uploadDir) {
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const conditional = ctx.get('if-none-match').trim() === '*';
    const completing = ctx.method === 'POST' && uploadDir;
    const putting = ctx.method === 'PUT' && !uploadDir && !('x-amz-copy-source' in ctx.headers);
    if (conditional && key && (completing || putting) && existsSync(`${join(bucketDir, ...key.split('/'))}._S3rver_object`)) {
      return s3Error(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    return next();
  };
}

async function listUploads(bucketDir: string, bucket: string, prefix: string): Promise<string> {
  const ids = await readdir(join(bucketDir, UPLOADS)).catch(() => [] as string[]);
  const uploads: Array<{ key: string; id: string; initiated: Date }> = [];
  for (const id of ids) {
    const keyFile = join(bucketDir, UPLOADS, id, 'key');
    const key = await readFile(keyFile, 'utf8').catch(() => null);
    if (key === null || !key.startsWith(prefix)) continue;
    uploads.push({ key, id, initiated: (await stat(keyFile)).mtime });
  }
  uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const items = uploads
    .map(
      (u) =>
        `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`;
}

function s3Error(ctx: Ctx, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
