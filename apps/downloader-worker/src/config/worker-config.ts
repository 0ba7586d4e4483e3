import { CommonConfig, Env, MediaStoreConfig, int, loadCommonConfig, loadMediaStoreConfig, loadPublicBaseUrl, str } from '@mda/config';

export interface WorkerConfig extends CommonConfig {
  /** The media folder (local backend) or the scratch folder downloads are made in (S3). */
  storageDir: string;
  /** Where finished files go: STORAGE_BACKEND and its settings. */
  mediaStore: MediaStoreConfig;
  publicBaseUrl: string;
  concurrency: number;
  /** Metadata/listing queries one replica answers at once (the query queue's prefetch). */
  queryConcurrency: number;
  /** Of those, the most one API key may hold; more are refused at once (the gateway answers 429). */
  queryConcurrencyPerKey: number;
  downloadTimeoutSec: number;
  /** Incomplete uploads older than this (seconds) are swept as a stopped worker's leftovers; at least downloadTimeoutSec. */
  uploadSweepAgeSec: number;
  /** Seconds between two sweeps of incomplete uploads (one also runs at start). */
  uploadSweepIntervalSec: number;
  maxFileBytes: number;
  /** Connections one progressive file is fetched over (ranged parts); 1 = one connection. */
  downloadConnections: number;
  /** HLS/DASH fragments one download fetches at the same time. */
  downloadFragments: number;
  ytdlpPath: string;
  ffmpegPath: string;
  metricsPort: number;
  host: string;
}

/** Added to the job time limit for the default sweep age: clock skew between hosts, and an upload's last requests. */
const UPLOAD_SWEEP_SLACK_SEC = 300;

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const mediaStore = loadMediaStoreConfig(env);
  const downloadTimeoutSec = int(env, 'DOWNLOAD_TIMEOUT_SEC', { default: 1800, min: 10, max: 7200 });
  return {
    ...loadCommonConfig(env),
    storageDir: mediaStore.storageDir,
    mediaStore,
    publicBaseUrl: loadPublicBaseUrl(env),
    concurrency: int(env, 'WORKER_CONCURRENCY', { default: 2, min: 1, max: 64 }),
    queryConcurrency: int(env, 'WORKER_QUERY_CONCURRENCY', { default: 10, min: 1, max: 256 }),
    queryConcurrencyPerKey: int(env, 'QUERY_CONCURRENCY_PER_KEY', { default: 4, min: 1, max: 256 }),
    downloadTimeoutSec,
    // younger than the job time limit, an upload may still have a live writer: sweeping it would break a running job
    uploadSweepAgeSec: int(env, 'UPLOAD_SWEEP_AGE_SEC', { default: downloadTimeoutSec + UPLOAD_SWEEP_SLACK_SEC, min: downloadTimeoutSec, max: 30 * 86400 }),
    uploadSweepIntervalSec: int(env, 'UPLOAD_SWEEP_INTERVAL_SEC', { default: 600, min: 1, max: 86400 }),
    maxFileBytes: int(env, 'MAX_FILE_SIZE_MB', { default: 2048, min: 1, max: 1024 * 1024 }) * 1024 * 1024,
    downloadConnections: int(env, 'DOWNLOAD_CONNECTIONS', { default: 8, min: 1, max: 16 }),
    downloadFragments: int(env, 'DOWNLOAD_FRAGMENTS', { default: 8, min: 1, max: 32 }),
    ytdlpPath: str(env, 'YTDLP_PATH', 'yt-dlp'),
    ffmpegPath: str(env, 'FFMPEG_PATH', 'ffmpeg'),
    metricsPort: int(env, 'METRICS_PORT', { default: 9464, min: 0, max: 65535 }),
    host: str(env, 'HOST', '0.0.0.0'),
  };
}
