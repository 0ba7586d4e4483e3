import { ConfigError, Env, bool, oneOf, optionalStr, str, url } from './env';

export const STORAGE_BACKENDS = ['local', 's3'] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

/** An S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Backblaze B2, Ceph). */
export interface S3StoreConfig {
  /** Unset: AWS S3 itself (the region's endpoint). */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slashes; '' for the bucket's root. */
  prefix: string;
  /** Both unset: the SDK's default credential chain (instance or pod role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** true: `download_url` is a presigned GET on the store; false: the gateway's `/files` streams the object. */
  publicDownloads: boolean;
}

/**
 * Where finished media live. `storageDir` is the media folder with the local backend, and the
 * worker's scratch folder (downloads in progress) with S3.
 */
export type MediaStoreConfig = { backend: 'local'; storageDir: string } | { backend: 's3'; storageDir: string; s3: S3StoreConfig };

// AWS's rules for new buckets, widened to the legacy names (uppercase, underscores) some S3-compatible services still accept
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** STORAGE_BACKEND and, for `s3`, the S3_* variables; checked at start (S3_* are ignored with `local`). */
export function loadMediaStoreConfig(env: Env = process.env): MediaStoreConfig {
  const backend = oneOf(env, 'STORAGE_BACKEND', STORAGE_BACKENDS, 'local');
  const storageDir = str(env, 'STORAGE_DIR', './storage');
  if (backend === 'local') return { backend, storageDir };
  const bucket = optionalStr(env, 'S3_BUCKET');
  if (!bucket) throw new ConfigError('S3_BUCKET', 'is required when STORAGE_BACKEND=s3');
  if (!BUCKET.test(bucket))
    throw new ConfigError('S3_BUCKET', `must be a bucket name: 3 to 63 letters, digits, dots, hyphens or underscores (got "${bucket}")`);
  const endpoint = optionalStr(env, 'S3_ENDPOINT') === undefined ? undefined : url(env, 'S3_ENDPOINT', '', ['http:', 'https:']).replace(/\/+$/, '');
  const region = str(env, 'S3_REGION', 'us-east-1');
  if (!/^[a-z0-9-]{2,32}$/i.test(region)) throw new ConfigError('S3_REGION', `must be a region name such as us-east-1 or auto (got "${region}")`);
  const accessKeyId = optionalStr(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = optionalStr(env, 'S3_SECRET_ACCESS_KEY');
  if (accessKeyId && !secretAccessKey) throw new ConfigError('S3_SECRET_ACCESS_KEY', 'is required when S3_ACCESS_KEY_ID is set');
  // the message never repeats the secret's value
  if (secretAccessKey && !accessKeyId) throw new ConfigError('S3_ACCESS_KEY_ID', 'is required when S3_SECRET_ACCESS_KEY is set');
  return {
    backend,
    storageDir,
    s3: {
      ...(endpoint ? { endpoint } : {}),
      region,
      bucket,
      prefix: s3Prefix(env),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
      forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', false),
      publicDownloads: bool(env, 'S3_PUBLIC_DOWNLOADS', true),
    },
  };
}

function s3Prefix(env: Env): string {
  const raw = optionalStr(env, 'S3_PREFIX') ?? '';
  const prefix = raw.replace(/^\/+|\/+$/g, '');
  if (prefix === '') return '';
  if (prefix.length > 512) throw new ConfigError('S3_PREFIX', 'must be at most 512 characters');
  if (CONTROL.test(prefix) || prefix.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new ConfigError('S3_PREFIX', `must be key segments separated by single slashes, without . or .. (got "${raw}")`);
  }
  return prefix;
}
