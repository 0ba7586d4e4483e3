/**
 * Transient storage errors retried with backoff before they fail a job. Transient: the file
 * system said "try again" (EAGAIN, EBUSY, EINTR), ran out of file descriptors for a moment
 * (EMFILE, ENFILE), or an NFS mount lost its server briefly (ETIMEDOUT, ESTALE). Not transient:
 * ENOSPC (a full disk stays full until someone frees it), EACCES, EPERM, EROFS, ENOENT, ENOTDIR,
 * EIO: those fail the job at once (storage_error, and the worker pauses if the store is unusable).
 */
export const TRANSIENT_STORAGE_CODES: ReadonlySet<string> = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'EMFILE', 'ENFILE', 'ETIMEDOUT', 'ESTALE']);

export interface StorageRetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubled each time. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Told of each retry (code, attempt that failed, wait). */
  onRetry?: (info: { code: string; attempt: number; delayMs: number }) => void;
}

export const DEFAULT_STORAGE_RETRY: StorageRetryOptions = {
  attempts: 4,
  baseDelayMs: 200,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function isTransientStorageError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && TRANSIENT_STORAGE_CODES.has(code);
}

/** Runs `op`, again after 200, 400, 800 ms (by default) while it fails with a transient code; then throws its last error. */
export async function withStorageRetry<T>(op: () => Promise<T>, options: StorageRetryOptions = DEFAULT_STORAGE_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= options.attempts || !isTransientStorageError(err)) throw err;
      const delayMs = options.baseDelayMs * 2 ** (attempt - 1);
      options.onRetry?.({ code: String((err as NodeJS.ErrnoException).code), attempt, delayMs });
      await options.sleep(delayMs);
    }
  }
}

/** The worker's storage retry policy as a dependency: a spec gives it a sleep that does not wait. */
export class StorageRetry {
  constructor(private readonly options: StorageRetryOptions = DEFAULT_STORAGE_RETRY) {}

  run<T>(op: () => Promise<T>, onRetry?: StorageRetryOptions['onRetry']): Promise<T> {
    return withStorageRetry(op, { ...this.options, ...(onRetry ? { onRetry } : {}) });
  }
}
