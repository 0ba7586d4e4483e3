import { CommonConfig, ConfigError, Env, bool, int, num, loadApiKeys, loadCommonConfig, loadFilesSigningSecret, loadPublicBaseUrl, optionalStr, str } from '@mda/config';

export interface GatewayConfig extends CommonConfig {
  port: number;
  host: string;
  apiKeys: string[];
  /** Operator keys for /api/v1/admin (none: the admin routes answer 401). */
  adminApiKeys: string[];
  databaseUrl?: string;
  sqlitePath: string;
  storageDir: string;
  publicBaseUrl: string;
  filesSigningSecret: string;
  filesUrlTtlSec: number;
  bodyLimitBytes: number;
  webhookEnable: boolean;
  /** Per API key, per replica: token bucket refill rate and size. */
  rateLimitRps: number;
  rateLimitBurst: number;
  /** Checked only when cookies are used, so the API starts without it. */
  cookieEncryptionKey?: string;
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return {
    ...loadCommonConfig(env),
    port: int(env, 'PORT', { default: 8080, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
    apiKeys: loadApiKeys(env),
    adminApiKeys: loadAdminApiKeys(env),
    databaseUrl: optionalStr(env, 'DATABASE_URL'),
    sqlitePath: str(env, 'SQLITE_PATH', './data/jobs.sqlite'),
    storageDir: str(env, 'STORAGE_DIR', './storage'),
    publicBaseUrl: loadPublicBaseUrl(env),
    filesSigningSecret: loadFilesSigningSecret(env),
    filesUrlTtlSec: int(env, 'FILES_URL_TTL_SEC', { default: 86400, min: 60, max: 31 * 86400 }),
    bodyLimitBytes: int(env, 'MAX_BODY_BYTES', { default: 256 * 1024, min: 1024, max: 10 * 1024 * 1024 }),
    webhookEnable: bool(env, 'WEBHOOK_ENABLE', true),
    rateLimitRps: num(env, 'RATE_LIMIT_RPS', { default: 50, min: 0.01, max: 1_000_000 }),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', { default: 100, min: 1, max: 10_000_000 }),
    cookieEncryptionKey: optionalStr(env, 'COOKIE_ENCRYPTION_KEY'),
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

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
