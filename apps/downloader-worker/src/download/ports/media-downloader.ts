import type { DownloadOptions, MediaMetadata, Progress } from '@mda/contracts';

/** Stable error classes: `download.failed.error_code`. */
export const DOWNLOAD_ERROR_CODES = [
  'unsupported_url',
  'not_found',
  'private_or_login_required',
  'too_large',
  'timed_out',
  'cancelled',
  'network_error',
  'ffmpeg_failed',
  'forbidden_address',
  'invalid_request',
  'internal_error',
  /** The media store cannot be written (permissions, disk full, folder gone): the worker pauses until it works. */
  'storage_error',
] as const;
export type DownloadErrorCode = (typeof DOWNLOAD_ERROR_CODES)[number];

/** A failure with a class a receiver can act on and a message a person can read. */
export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadJob {
  requestId: string;
  url: string;
  options: DownloadOptions;
  /** A private, empty folder for this job's partial files; removed by the caller afterwards. */
  workDir: string;
  /** Largest file allowed, enforced while downloading. */
  maxBytes: number;
  /** Cookies file for this job only (Netscape format), if the job references one. */
  cookiesFile?: string;
}

export interface DownloadHooks {
  /** Called on every progress change (the caller throttles). Percent covers the whole job. */
  onProgress(progress: Progress): void;
  /** One log line of the downloader, kept in the job's logs. */
  onLog(line: string): void;
  /** What the media is, as soon as the downloader knows it (before the bytes). */
  onMetadata?(metadata: MediaMetadata): void;
  /** Aborted on cancel or timeout: stop, and remove what was written. */
  signal: AbortSignal;
}

/** A file written beside the media that the request asked to keep (subtitle, thumbnail, info JSON, description). */
export interface Sidecar {
  kind: 'subtitle' | 'thumbnail' | 'info_json' | 'description';
  /** Inside workDir. */
  tempPath: string;
  /** What follows the media's base name: `.en.vtt`, `.jpg`, `.info.json`. */
  suffix: string;
  language?: string;
}

export interface DownloadResult {
  /** The finished file, inside workDir, to be moved to its final place by the caller. */
  tempPath: string;
  /** Extension of the file without a dot (`mp4`, `mp3`). */
  ext: string;
  /** Whether the file is audio only (decides the default folder). */
  audioOnly: boolean;
  metadata: MediaMetadata;
  mimeType?: string;
  /** Sidecars to place beside the media under its final base name. */
  sidecars?: Sidecar[];
}

/** Fetches one URL's media into the job's work folder. */
export abstract class MediaDownloader {
  abstract download(job: DownloadJob, hooks: DownloadHooks): Promise<DownloadResult>;
}
