import {
  CommonConfig,
  Env,
  JobStoreConfig,
  MediaStoreConfig,
  bool,
  int,
  loadApiKeys,
  loadCommonConfig,
  loadFilesSigningSecret,
  loadFilesUrlTtlSec,
  loadJobStoreConfig,
  loadMediaStoreConfig,
  str,
} from '@mda/config';

/** The job store is read once, at start, for the /files signing secret when FILES_SIGNING_SECRET is unset. */
export interface SenderConfig extends CommonConfig, JobStoreConfig {
  apiKeys: string[];
  enabled: boolean;
  timeoutSec: number;
  maxRetries: number;
  metricsPort: number;
  host: string;
  deliverPrefetch: number;
  /** Of deliverPrefetch, the most one receiver host may hold; more are parked in the 1 s tier. */
  perHostConcurrency: number;
  userAgent: string;
  filesSigningSecret?: string;
  filesUrlTtlSec: number;
  /** STORAGE_BACKEND: with s3 and S3_PUBLIC_DOWNLOADS, a webhook's `download_url` is a presigned GET on the bucket. */
  mediaStore: MediaStoreConfig;
}

export function loadSenderConfig(env: Env = process.env): SenderConfig {
  return {
    ...loadCommonConfig(env),
    ...loadJobStoreConfig(env),
    apiKeys: loadApiKeys(env),
    enabled: bool(env, 'WEBHOOK_ENABLE', true),
    timeoutSec: int(env, 'WEBHOOK_TIMEOUT_SEC', { default: 10, min: 1, max: 60 }),
    maxRetries: int(env, 'WEBHOOK_MAX_RETRIES', { default: 3, min: 1, max: 10 }),
    metricsPort: int(env, 'METRICS_PORT', { default: 9465, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
    deliverPrefetch: int(env, 'WEBHOOK_CONCURRENCY', { default: 64, min: 1, max: 1000 }),
    perHostConcurrency: int(env, 'WEBHOOK_CONCURRENCY_PER_HOST', { default: 8, min: 1, max: 1000 }),
    userAgent: str(env, 'WEBHOOK_USER_AGENT', 'MediaDownloadAPI-Webhooks/1.0'),
    filesSigningSecret: loadFilesSigningSecret(env),
    filesUrlTtlSec: loadFilesUrlTtlSec(env),
    mediaStore: loadMediaStoreConfig(env),
  };
}
