import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES } from '@mda/contracts';

/**
 * Response shapes of the API as OpenAPI schemas (the job view of SPEC §3 and its relatives).
 * Live responses are validated against these in the e2e suite (apps/e2e/test/api/openapi-client.spec.ts).
 */

export class ErrorDetail {
  @ApiProperty({ example: 'error', description: 'What the error is about' }) code!: string;
  @ApiProperty({ example: 'Bad Request' }) message!: string;
  @ApiPropertyOptional({
    description: 'Per-field problems ({ field, message }) or other context',
    oneOf: [
      { type: 'array', items: { type: 'object', additionalProperties: true } },
      { type: 'object', additionalProperties: true },
    ],
    example: [{ field: 'url', message: 'url must be an http or https URL' }],
  })
  details?: unknown;
}

export class ErrorResponse {
  @ApiProperty({
    type: ErrorDetail,
    example: {
      code: 'validation_error',
      message: 'url must be an http or https URL',
      details: [{ field: 'url', message: 'url must be an http or https URL' }],
    },
  })
  error!: ErrorDetail;
}

export class Progress {
  @ApiProperty({ minimum: 0, maximum: 100, example: 45.5 }) percent!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 47721881 }) downloaded_bytes!: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 104857600 }) total_bytes!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'bytes per second', example: 2097152 }) speed!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'seconds left', example: 27 }) eta!: number | null;
}

export class FileInfo {
  @ApiProperty({ example: 'video-abc123.mp4' }) filename!: string;
  @ApiProperty({ example: 'videos/video-abc123.mp4' }) filepath!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 104857600 }) size_bytes!: number;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Signed, expiring link (GET /files/{filepath}?expires=&signature=); null once the files are deleted or expired',
    example: 'http://127.0.0.1:8080/files/videos/video-abc123.mp4?expires=1767225600&signature=3f1c0e',
  })
  download_url!: string | null;
  @ApiPropertyOptional({ example: 'video/mp4' }) mime_type?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the files were removed (only once they are)', example: '2025-11-09T10:00:00.000Z' })
  deleted_at?: string;
  @ApiPropertyOptional({ enum: ['deleted', 'expired'], description: 'Removed by request or by the retention (only once they are)' }) deleted_reason?: string;
}

export class MediaMetadata {
  @ApiProperty({ type: 'string', nullable: true, example: 'Example Video' }) title!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Channel Name' }) uploader!: string | null;
  @ApiProperty({ type: 'number', nullable: true, example: 600 }) duration!: number | null;
  // what yt-dlp and the file tell besides (present once known; the worker may add more)
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'dQw4w9WgXcQ' }) id?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'https://example.com/thumb.jpg' }) thumbnail?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'youtube' }) extractor?: string | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 1920 }) width?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 1080 }) height?: number | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'mp4' }) ext?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'https://example.com/video' }) webpage_url?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'YYYYMMDD', example: '20251106' }) upload_date?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) channel?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) channel_id?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) uploader_id?: string | null;
}

export class JobWebhookSummary {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Webhook events recorded for the job' }) events!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) delivered!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Waiting for a retry, or queued again by a redelivery' }) retrying!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Retries exhausted or refused for good (redeliver them)' }) dead!: number;
}

export class Job {
  @ApiProperty({ example: 'req_k3j5h2g8f9d1' }) request_id!: string;
  @ApiProperty({ example: 'https://example.com/video' }) url!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'running' }) status!: string;
  @ApiProperty({ type: Progress }) progress!: Progress;
  @ApiProperty({ type: FileInfo, nullable: true }) file_info!: FileInfo | null;
  @ApiProperty({ type: MediaMetadata, nullable: true }) metadata!: MediaMetadata | null;
  @ApiProperty({ type: 'string', nullable: true, example: null }) error!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'download_error, timeout, storage_error, …' }) error_code!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The download options with their defaults applied',
    example: { quality: '1080p', video_format: 'mp4' },
  })
  options!: Record<string, unknown>;
  @ApiProperty({ type: 'string', nullable: true, example: 'https://your-app.com/webhook' }) webhook_url!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null }) batch_id!: string | null;
  @ApiProperty({ format: 'date-time', example: '2025-11-06T10:00:00.000Z' }) created_at!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2025-11-06T10:00:01.000Z' }) started_at!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null }) completed_at!: string | null;
  @ApiProperty({ description: 'The files were deleted (by request) or expired (retention); the job record stays', example: false }) file_deleted!: boolean;
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When the retention removes the files (retention_hours or FILE_RETENTION_HOURS); null: kept',
    example: null,
  })
  expires_at!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The failed or cancelled job this one retries', example: null }) retry_of!: string | null;
  @ApiPropertyOptional({
    type: JobWebhookSummary,
    description:
      "The job's webhook events counted by state (GET /download/{id}, the list and the events stream); the events themselves are at GET /download/{id}/webhooks",
  })
  webhooks?: JobWebhookSummary;
}

export class CancelledJob extends Job {
  @ApiProperty({ enum: [true] }) cancel_requested!: boolean;
}

export class JobList {
  @ApiProperty({ type: [Job] }) downloads!: Job[];
  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as cursor for the next page; null on the last' }) next_cursor!: string | null;
}

export class JobLogs {
  @ApiProperty({ example: 'req_k3j5h2g8f9d1' }) request_id!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: [String], example: ['[download]  45.5% of 100.00MiB'] }) logs!: string[];
}

export class WebhookAttempt {
  @ApiProperty({ example: 'evt_5f2c9a1b3d4e' }) webhook_id!: string;
  @ApiProperty({ example: 'download.completed' }) event!: string;
  @ApiProperty({ example: 'https://your-app.com/webhook' }) url!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) attempt!: number;
  @ApiProperty({ type: 'integer', description: '0 for the original delivery, n for the n-th redelivery' }) redelivery!: number;
  @ApiProperty({ enum: ['delivered', 'retrying', 'dead', 'dropped'] }) outcome!: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 200 }) status_code!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) error!: string | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'milliseconds' }) duration_ms!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The receiver answer, cut short' }) response_body!: string | null;
  @ApiProperty({ format: 'date-time' }) attempted_at!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) next_retry_at!: string | null;
}

export class WebhookEventState {
  @ApiProperty({ example: 'evt_5f2c9a1b3d4e' }) webhook_id!: string;
  @ApiProperty({ example: 'download.completed' }) event!: string;
  @ApiProperty({ example: 'delivered', description: 'queued, delivering, retrying, delivered, dead or dropped' }) state!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class WebhookDeliveries {
  @ApiProperty({ example: 'req_k3j5h2g8f9d1' }) request_id!: string;
  @ApiProperty({ type: 'string', nullable: true }) webhook_url!: string | null;
  @ApiProperty({ type: [WebhookEventState] }) events!: WebhookEventState[];
  @ApiProperty({ type: [WebhookAttempt] }) attempts!: WebhookAttempt[];
}

export class QueuedRedelivery {
  @ApiProperty() webhook_id!: string;
  @ApiProperty({ example: 'download.completed' }) event!: string;
  @ApiProperty({ type: 'integer' }) redelivery!: number;
}

export class Redelivery {
  @ApiProperty() request_id!: string;
  @ApiProperty({ enum: ['queued'] }) status!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: [QueuedRedelivery] }) queued!: QueuedRedelivery[];
}

export class Health {
  @ApiProperty({ enum: ['ok', 'degraded', 'unavailable'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { broker: 'up', store: 'up', shutting_down: false } }) checks!: Record<string, unknown>;
}

export class Liveness {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

/** One format (rendition) a URL offers, as yt-dlp reports it. */
export class MediaFormat {
  @ApiProperty({ example: '800' }) format_id!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'mp4' }) ext!: string | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'null for an audio-only rendition', example: 640 }) width!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'null for an audio-only rendition', example: 360 }) height!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) fps!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: '`none` when the rendition has no video', example: 'avc1.64001e' }) vcodec!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: '`none` when the rendition has no audio', example: 'mp4a.40.2' }) acodec!: string | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Bytes, exact or approximate' }) filesize!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Total bitrate, kbit/s' }) tbr!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) format_note!: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: '`WIDTHxHEIGHT`, or `audio only` for a rendition without video', example: '640x360' })
  resolution?: string | null;
}

export class MediaInfo {
  @ApiProperty({ example: 'https://example.com/video' }) url!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) title?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) uploader?: string | null;
  @ApiPropertyOptional({ type: 'number', nullable: true }) duration?: number | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) thumbnail?: string | null;
  @ApiPropertyOptional({ type: [MediaFormat] }) formats?: MediaFormat[];
  @ApiPropertyOptional({
    type: [String],
    description: 'Languages of the subtitles the source offers (for `download_subtitles` / `subtitle_languages`)',
    example: ['en'],
  })
  subtitles?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Languages of its automatic captions (for `auto_subtitles`)', example: [] })
  automatic_captions?: string[];
}

export class FileDeletedJob extends Job {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Files removed by this call (0 when they were gone already)' }) files_removed!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes those files took' }) bytes_freed!: number;
}

export class ClearedDownloads {
  @ApiProperty({ type: 'integer', minimum: 0 }) cleared!: number;
  @ApiProperty({ type: [String], example: ['req_k3j5h2g8f9d1'] }) request_ids!: string[];
  @ApiProperty({ type: 'integer', minimum: 0 }) files_removed!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) bytes_freed!: number;
  @ApiProperty({ description: 'More jobs matched than one call clears (1000): call again' }) more!: boolean;
}

export class RetriedJob {
  @ApiProperty({ example: 'req_k3j5h2g8f9d1' }) retry_of!: string;
  @ApiProperty({ example: 'req_m2n4b6v8c0x1' }) request_id!: string;
}

export class RetriedFailed {
  @ApiProperty({ type: 'integer', minimum: 0 }) retried!: number;
  @ApiProperty({ type: [RetriedJob] }) jobs!: RetriedJob[];
  @ApiProperty({ description: 'More failed jobs than one call retries (1000): call again' }) more!: boolean;
}

export class StorageUsage {
  @ApiProperty({ type: 'integer', minimum: 0 }) files!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 104857600 }) bytes!: number;
}
