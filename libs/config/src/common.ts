import { CidrError, EgressPolicy, parseCidrList } from '@mda/net-guard';
import { ConfigError, Env, bool, int, oneOf, optionalStr, str, url } from './env';
import { HttpTimeouts, loadHttpTimeouts } from './http-timeouts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface CommonConfig {
  amqpUrl: string;
  amqpPrefetch: number;
  logLevel: (typeof LOG_LEVELS)[number];
  allowPrivateNetworks: boolean;
  /** ALLOW_PRIVATE_NETWORKS and NETWORK_ALLOWLIST as one policy: every outbound check uses it. */
  egressPolicy: EgressPolicy;
  shutdownGraceSec: number;
  /** Of the app's HTTP server (the gateway API; the ops port of the worker and the sender). */
  http: HttpTimeouts;
}

export function loadCommonConfig(env: Env = process.env): CommonConfig {
  const allowPrivateNetworks = bool(env, 'ALLOW_PRIVATE_NETWORKS', false);
  return {
    amqpUrl: url(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672', ['amqp:', 'amqps:']),
    amqpPrefetch: int(env, 'AMQP_PREFETCH', { default: 20, min: 1, max: 1000 }),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    allowPrivateNetworks,
    egressPolicy: new EgressPolicy(allowPrivateNetworks, networkAllowlist(env)),
    shutdownGraceSec: int(env, 'SHUTDOWN_GRACE_SEC', { default: 30, min: 0, max: 3600 }),
    http: loadHttpTimeouts(env),
  };
}

/** NETWORK_ALLOWLIST: comma-separated CIDR blocks (IPv4 or IPv6) reachable even when private. */
export function networkAllowlist(env: Env = process.env) {
  try {
    return parseCidrList(optionalStr(env, 'NETWORK_ALLOWLIST') ?? '');
  } catch (err) {
    if (err instanceof CidrError) throw new ConfigError('NETWORK_ALLOWLIST', `must be comma-separated CIDR blocks: ${err.message}`);
    throw err;
  }
}

/** API keys from API_KEYS (comma-separated) and API_KEY (one). */
export function loadApiKeys(env: Env = process.env, required = true): string[] {
  const many = (optionalStr(env, 'API_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const one = optionalStr(env, 'API_KEY');
  const keys = [...new Set([...(one ? [one] : []), ...many])];
  if (required && keys.length === 0) throw new ConfigError('API_KEY', 'is required (or API_KEYS, comma-separated)');
  for (const k of keys) if (k.length < 8) throw new ConfigError('API_KEY', 'values must be at least 8 characters');
  return keys;
}

/** Where files are served from, as the outside world sees it (no trailing slash). */
export function loadPublicBaseUrl(env: Env = process.env): string {
  const port = str(env, 'PORT', '8080');
  return url(env, 'PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(/\/+$/, '');
}

/**
 * FILES_SIGNING_SECRET, the secret that signs `/files` links; undefined when unset: then a random
 * one is generated once and kept in the job store (see @mda/file-links). Never derived from the API keys.
 */
export function loadFilesSigningSecret(env: Env = process.env): string | undefined {
  return optionalStr(env, 'FILES_SIGNING_SECRET');
}

/**
 * How long a signed `download_url` stays valid once handed out. Links are signed afresh on every
 * read and delivery, so a short lifetime costs nothing but a re-read: seconds are allowed.
 */
export function loadFilesUrlTtlSec(env: Env = process.env): number {
  return int(env, 'FILES_URL_TTL_SEC', { default: 86400, min: 1, max: 31 * 86400 });
}

export interface JobStoreConfig {
  /** postgres://…: PostgreSQL; unset: the embedded SQLite file. */
  databaseUrl?: string;
  sqlitePath: string;
}

/** The job store: DATABASE_URL (PostgreSQL) or SQLITE_PATH. */
export function loadJobStoreConfig(env: Env = process.env): JobStoreConfig {
  return { databaseUrl: optionalStr(env, 'DATABASE_URL'), sqlitePath: str(env, 'SQLITE_PATH', './data/jobs.sqlite') };
}
