import { DownloadError } from '../../ports/media-downloader';

/**
 * What an aborted job failed with. The caller aborts `hooks.signal` with a reason:
 * - a `DownloadError` (normally code `cancelled` or `timed_out`) is used as is;
 * - the strings `'timeout'`/`'timed_out'`, or a `TimeoutError` (from `AbortSignal.timeout()`), mean timed out;
 * - anything else (`'cancel'`, no reason, a plain AbortError) means cancelled.
 */
export function abortReasonToError(reason: unknown): DownloadError {
  if (reason instanceof DownloadError) return reason;
  const timedOut =
    reason === 'timeout' || reason === 'timed_out' || (typeof reason === 'object' && reason !== null && (reason as Error).name === 'TimeoutError');
  return timedOut ? new DownloadError('timed_out', 'Download timed out') : new DownloadError('cancelled', 'Download cancelled');
}
