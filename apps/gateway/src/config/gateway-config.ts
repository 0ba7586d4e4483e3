import {
  CommonConfig,
  Env,
  JobStoreConfig,
  bool,
  int,
  num,
  loadApiKeys,
  loadCommonConfig,
  loadFilesSigningSecret,
  loadFilesUrlTtlSec,
  loadJobStoreConfig,
  loadPublicBaseUrl,
  optionalStr,
  str,
} from '@mda/config';

export interface GatewayConfig extends CommonConfig, JobStoreConfig {
  port: number;
  host: string;
  apiKeys: string[];
  storageDir: string;
  publicBaseUrl: string;
  /** FILES_SIGNING_SECRET; unset: the random one kept in the job store. */
  filesSigningSecret?: string;
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
    ...loadJobStoreConfig(env),
    storageDir: str(env, 'STORAGE_DIR', './storage'),
    publicBaseUrl: loadPublicBaseUrl(env),
    filesSigningSecret: loadFilesSigningSecret(env),
    filesUrlTtlSec: loadFilesUrlTtlSec(env),
    bodyLimitBytes: int(env, 'MAX_BODY_BYTES', { default: 256 * 1024, min: 1024, max: 10 * 1024 * 1024 }),
    webhookEnable: bool(env, 'WEBHOOK_ENABLE', true),
    rateLimitRps: num(env, 'RATE_LIMIT_RPS', { default: 50, min: 0.01, max: 1_000_000 }),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', { default: 100, min: 1, max: 10_000_000 }),
    cookieEncryptionKey: optionalStr(env, 'COOKIE_ENCRYPTION_KEY'),
  };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
