import type { Progress } from '@mda/contracts';
import { DownloadError, DownloadJob, DownloadResult, MediaDownloader } from '../../src/download/ports/media-downloader';

/** What one download reported: its result or its DownloadError, every progress report and log line, and when. */
export interface RecordedDownload {
  result?: DownloadResult;
  error?: DownloadError;
  progress: Progress[];
  logs: string[];
  workDir: string;
  ms: number;
  /** From the first progress report with bytes to the end (the downloader's start-up left out). */
  msFromFirstBytes?: number;
}

export interface RecordOptions {
  /** Aborts the download when the test aborts it; a fresh one by default. */
  controller?: AbortController;
  /** Called after each report is recorded, e.g. to abort once bytes flow. */
  onProgress?: (p: Progress) => void;
}

/**
 * Runs `downloader` on `job` and records what it reported. A DownloadError is recorded as the
 * outcome, as a caller would see it; any other error fails the test.
 */
export async function recordDownload(downloader: MediaDownloader, job: DownloadJob, opts: RecordOptions = {}): Promise<RecordedDownload> {
  const out: RecordedDownload = { progress: [], logs: [], workDir: job.workDir, ms: 0 };
  const started = Date.now();
  let firstBytesAt: number | undefined;
  try {
    out.result = await downloader.download(job, {
      onProgress: (p) => {
        out.progress.push(p);
        if (firstBytesAt === undefined && p.downloaded_bytes > 0) firstBytesAt = Date.now();
        opts.onProgress?.(p);
      },
      onLog: (l) => out.logs.push(l),
      signal: (opts.controller ?? new AbortController()).signal,
    });
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    out.error = err;
  }
  out.ms = Date.now() - started;
  if (firstBytesAt !== undefined) out.msFromFirstBytes = Date.now() - firstBytesAt;
  return out;
}

/** The result, or a failure that says why the download did not finish (its error and last log lines). */
export function resultOf(o: RecordedDownload): DownloadResult {
  if (!o.result) throw new Error(`download failed: ${o.error?.code} ${o.error?.message}\n${o.logs.slice(-8).join('\n')}`);
  return o.result;
}
