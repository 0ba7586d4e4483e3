import type { ListingResult, MetadataResult, WorkerQueryInput } from '@mda/contracts';

export type WorkerQueryResult<K extends WorkerQueryInput['kind']> = K extends 'metadata' ? MetadataResult : ListingResult;

/** Default time a caller waits for a worker's answer. */
export const DEFAULT_WORKER_QUERY_TIMEOUT_MS = 30_000;

/**
 * Asks a downloader worker about a URL without downloading it (yt-dlp `-J` / `--flat-playlist -J`).
 * Throws ApiError: 504 `gateway_timeout` when no worker answers in time, 503 when the broker is
 * down, 400 (`invalid_url`, `forbidden_address`) with the worker's message when the URL cannot be read.
 */
export abstract class WorkerQueryClient {
  abstract query<Q extends WorkerQueryInput>(q: Q, timeoutMs?: number): Promise<WorkerQueryResult<Q['kind']>>;
}
