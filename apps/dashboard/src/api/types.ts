import type { FileInfoLibraryFields, JobLibraryFields } from './library-types';

/** The gateway's shapes (SPEC §3), as the page uses them. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const JOB_STATUSES: JobStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const FINAL_STATUSES: JobStatus[] = ['completed', 'failed', 'cancelled'];

export interface Progress {
  percent: number | null;
  downloaded_bytes: number | null;
  total_bytes: number | null;
  /** Bytes per second. */
  speed: number | null;
  /** Seconds left. */
  eta: number | null;
}

export interface FileInfo extends FileInfoLibraryFields {
  filename: string;
  filepath: string;
  size_bytes: number;
  /** null once the files are deleted or expired. */
  download_url: string | null;
}

export interface MediaMetadata {
  title?: string | null;
  uploader?: string | null;
  duration?: number | null;
  thumbnail?: string | null;
  [k: string]: unknown;
}

export interface Job extends JobLibraryFields {
  request_id: string;
  url: string;
  status: JobStatus;
  progress: Progress | null;
  file_info: FileInfo | null;
  metadata: MediaMetadata | null;
  error: string | null;
  error_code?: string | null;
  batch_id?: string | null;
  webhook_url?: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

export interface DownloadOptions {
  quality: string;
  video_format: string;
  audio_format: string;
  webhook_url?: string;
  download_subtitles?: boolean;
  subtitle_languages?: string[];
  embed_metadata?: boolean;
  write_thumbnail?: boolean;
}

export interface WebhookAttempt {
  webhook_id: string;
  event: string;
  url: string;
  attempt: number;
  redelivery?: number;
  outcome: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: string;
  next_retry_at?: string | null;
}

export interface WebhookLog {
  webhook_url: string | null;
  attempts: WebhookAttempt[];
}

export interface LogLine {
  at?: string;
  line: string;
}

/** One entry of a playlist preview or channel listing. */
export interface ListingEntry {
  index: number;
  id?: string;
  title: string;
  duration: number | null;
  url?: string;
  upload_date?: string | null;
}

export const QUALITIES = ['best', '2160p', '1440p', '1080p', '720p', '480p', '360p', '240p', '144p', 'audio'];
export const VIDEO_FORMATS = ['mp4', 'mkv', 'webm'];
export const AUDIO_FORMATS = ['mp3', 'm4a', 'opus', 'flac', 'wav'];
export const DEFAULT_OPTIONS: DownloadOptions = { quality: 'best', video_format: 'mp4', audio_format: 'mp3' };
