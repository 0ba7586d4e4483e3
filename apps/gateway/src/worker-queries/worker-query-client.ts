import type { ListingResult, MetadataResult, ToolsResult, WorkerQueryInput } from '@mda/contracts';

export type WorkerQueryResult<K extends WorkerQueryInput['kind']> = K extends 'metadata' ? MetadataResult : K extends 'listing' ? ListingResult : ToolsResult;

/** Retry-After of a 429 for too many queries at once: a metadata query usually takes a second or two. */
export const QUERY_RETRY_AFTER_SEC = 2;

/** Default time a caller waits for a worker's answer. */
export const DEFAULT_WORKER_QUERY_TIMEOUT_MS = 30_000;

/**
 * Asks a downloader worker about a URL without downloading it (yt-dlp `-J` / `--flat-playlist -J`).
 * `q.key_fp` is the asking API key's fingerprint: a key gets a bounded share of the query capacity.
 * Throws ApiError: 429 `too_many_queries` when that key has too many queries in flight,
 * 504 `gateway_timeout` when no worker answers in time, 503 when the broker is
 * down, 400 (`invalid_url`, `forbidden_address`) with the worker's message when the URL cannot be read.
 */
export abstract class WorkerQueryClient {
  abstract query<Q extends WorkerQueryInput>(q: Q, timeoutMs?: number): Promise<WorkerQueryResult<Q['kind']>>;
}
