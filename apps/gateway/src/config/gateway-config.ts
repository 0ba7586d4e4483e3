import { CommonConfig, Env, bool, int, loadApiKeys, loadCommonConfig, loadFilesSigningSecret, loadPublicBaseUrl, optionalStr, str } from '@mda/config';

export interface GatewayConfig extends CommonConfig {
  port: number;
  host: string;
  apiKeys: string[];
  databaseUrl?: string;
  sqlitePath: string;
  storageDir: string;
  publicBaseUrl: string;
  filesSigningSecret: string;
  filesUrlTtlSec: number;
  bodyLimitBytes: number;
  webhookEnable: boolean;
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return {
    ...loadCommonConfig(env),
    port: int(env, 'PORT', { default: 8080, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
    apiKeys: loadApiKeys(env),
    databaseUrl: optionalStr(env, 'DATABASE_URL'),
    sqlitePath: str(env, 'SQLITE_PATH', './data/jobs.sqlite'),
    storageDir: str(env, 'STORAGE_DIR', './storage'),
    publicBaseUrl: loadPublicBaseUrl(env),
    filesSigningSecret: loadFilesSigningSecret(env),
    filesUrlTtlSec: int(env, 'FILES_URL_TTL_SEC', { default: 86400, min: 60, max: 31 * 86400 }),
    bodyLimitBytes: int(env, 'MAX_BODY_BYTES', { default: 256 * 1024, min: 1024, max: 10 * 1024 * 1024 }),
    webhookEnable: bool(env, 'WEBHOOK_ENABLE', true),
  };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
