import {
  CommonConfig,
  ConfigError,
  Env,
  JobStoreConfig,
  MediaStoreConfig,
  bool,
  int,
  num,
  loadApiKeys,
  loadCommonConfig,
  loadFilesSigningSecret,
  loadFilesUrlTtlSec,
  loadJobStoreConfig,
  loadMediaStoreConfig,
  loadPublicBaseUrl,
  optionalStr,
  str,
} from '@mda/config';
import { CorsOrigins, loadCorsOrigins } from './cors-origins';
import { loadTrustProxy } from './trust-proxy';

export interface GatewayConfig extends CommonConfig, JobStoreConfig {
  port: number;
  host: string;
  apiKeys: string[];
  /** Operator keys for /api/v1/admin (none: the admin routes answer 401). */
  adminApiKeys: string[];
  /** The local media folder (local backend) or scratch (s3); the gateway keeps nothing there with s3. */
  storageDir: string;
  /** Where finished files live: `/files` reads them and deletion removes them through it. */
  mediaStore: MediaStoreConfig;
  publicBaseUrl: string;
  /** FILES_SIGNING_SECRET; unset: the random one kept in the job store. */
  filesSigningSecret?: string;
  filesUrlTtlSec: number;
  bodyLimitBytes: number;
  webhookEnable: boolean;
  /** Per API key, per replica: token bucket refill rate and size. */
  rateLimitRps: number;
  rateLimitBurst: number;
  /** Per API key, per replica: metadata and listing queries in flight at once (more get 429). */
  queryConcurrencyPerKey: number;
  /** Per client address: failed API-key checks, and /files requests. */
  authFailureRps: number;
  authFailureBurst: number;
  filesRps: number;
  filesBurst: number;
  /** REDIS_URL: when set, the rate limits above are shared by all replicas (unset: per replica). */
  redisUrl?: string;
  /** REDIS_KEY_PREFIX: prefix of every key the gateway writes in Redis. */
  redisKeyPrefix: string;
  /** Peers trusted to set X-Forwarded-For (off: the socket's address is the client's). */
  trustProxy: false | string[];
  /** Browser origins allowed by CORS (none: no CORS headers, preflights get 404). */
  corsOrigins: CorsOrigins;
  /** Checked only when cookies are used, so the API starts without it. */
  cookieEncryptionKey?: string;
  /** The workers' WORKER_CONCURRENCY (downloads per replica): a batch's effective concurrency is explained with it. */
  workerConcurrency: number;
  /** FILE_RETENTION_HOURS: files of completed jobs are removed this long after completion (unset: kept). */
  fileRetentionHours?: number;
  /** SUBSCRIPTION_MIN_INTERVAL_SEC: the shortest check_interval a subscription may ask for (default 300). */
  subscriptionMinIntervalSec: number;
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return {
    ...loadCommonConfig(env),
    port: int(env, 'PORT', { default: 8080, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
    apiKeys: loadApiKeys(env),
    ...loadJobStoreConfig(env),
    adminApiKeys: loadAdminApiKeys(env),
    ...loadGatewayMediaStore(env),
    publicBaseUrl: loadPublicBaseUrl(env),
    filesSigningSecret: loadFilesSigningSecret(env),
    filesUrlTtlSec: loadFilesUrlTtlSec(env),
    bodyLimitBytes: int(env, 'MAX_BODY_BYTES', { default: 256 * 1024, min: 1024, max: 10 * 1024 * 1024 }),
    webhookEnable: bool(env, 'WEBHOOK_ENABLE', true),
    rateLimitRps: num(env, 'RATE_LIMIT_RPS', { default: 50, min: 0.01, max: 1_000_000 }),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', { default: 100, min: 1, max: 10_000_000 }),
    queryConcurrencyPerKey: int(env, 'QUERY_CONCURRENCY_PER_KEY', { default: 4, min: 1, max: 256 }),
    authFailureRps: num(env, 'RATE_LIMIT_AUTH_FAILURE_RPS', { default: 0.2, min: 0.001, max: 1_000_000 }),
    authFailureBurst: int(env, 'RATE_LIMIT_AUTH_FAILURE_BURST', { default: 10, min: 1, max: 10_000_000 }),
    filesRps: num(env, 'RATE_LIMIT_FILES_RPS', { default: 20, min: 0.01, max: 1_000_000 }),
    filesBurst: int(env, 'RATE_LIMIT_FILES_BURST', { default: 100, min: 1, max: 10_000_000 }),
    redisUrl: loadRedisUrl(env),
    redisKeyPrefix: str(env, 'REDIS_KEY_PREFIX', 'mda:'),
    trustProxy: loadTrustProxy(env),
    corsOrigins: loadCorsOrigins(env),
    cookieEncryptionKey: optionalStr(env, 'COOKIE_ENCRYPTION_KEY'),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', { default: 2, min: 1, max: 64 }),
    fileRetentionHours:
      optionalStr(env, 'FILE_RETENTION_HOURS') === undefined ? undefined : num(env, 'FILE_RETENTION_HOURS', { default: 0, min: 0.0001, max: 87600 }),
    subscriptionMinIntervalSec: int(env, 'SUBSCRIPTION_MIN_INTERVAL_SEC', { default: 300, min: 1, max: 86_400 }),
  };
}

function loadAdminApiKeys(env: Env): string[] {
  const keys = (optionalStr(env, 'ADMIN_API_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.some((k) => k.length < 16)) throw new ConfigError('ADMIN_API_KEYS', 'values must be at least 16 characters');
  return keys;
}

function loadRedisUrl(env: Env): string | undefined {
  const url = optionalStr(env, 'REDIS_URL');
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // the value is never echoed: it may carry a password
  if (!parsed || !['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname) {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL with a host (e.g. redis://redis:6379/0)');
  }
  return url;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** STORAGE_BACKEND and its settings: where `/files` reads and deletion removes. */
function loadGatewayMediaStore(env: Env): { storageDir: string; mediaStore: MediaStoreConfig } {
  const store = loadMediaStoreConfig(env);
  return { storageDir: store.storageDir, mediaStore: store };
}
