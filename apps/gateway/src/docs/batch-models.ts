import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Job } from './models';

/**
 * Response shapes of the batch, playlist, channel, cookies and admin routes (what their services
 * return: batchView, createBatch, entryView, the cookies view, the dead-letter port). The e2e suite
 * validates every live response against them (apps/e2e/test/support/contract.ts).
 */

export class ListingEntry {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Position in the playlist or channel, from 1', example: 1 }) index!: number;
  @ApiProperty({ type: 'string', nullable: true, example: 'dQw4w9WgXcQ' }) id!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Example Video' }) title!: string | null;
  @ApiProperty({ example: 'https://example.com/watch?v=dQw4w9WgXcQ' }) url!: string;
  @ApiProperty({ type: 'number', nullable: true, description: 'seconds', example: 212 }) duration!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'YYYYMMDD', example: '20251106' }) upload_date!: string | null;
  @ApiProperty({ type: 'number', nullable: true, example: 1500 }) view_count!: number | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Channel Name' }) uploader!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) thumbnail!: string | null;
}

export class PlaylistPreview {
  @ApiProperty({ example: 'https://example.com/playlist?list=PL123' }) url!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'My playlist' }) title!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Channel Name' }) uploader!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Entries in the playlist (at most 1000 are read)', example: 42 }) total!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) page!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 20 }) limit!: number;
  @ApiProperty({ type: [ListingEntry] }) entries!: ListingEntry[];
}

export class ChannelInfo {
  @ApiProperty({ example: 'https://example.com/@channel/videos' }) url!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'Channel Name' }) title!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Channel Name' }) uploader!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Videos that pass the filters', example: 42 }) total!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) page!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 20 }) page_size!: number;
  @ApiProperty({ type: [ListingEntry] }) videos!: ListingEntry[];
}

export class BatchConcurrencyDetail {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 }) concurrent_limit!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'WORKER_CONCURRENCY: downloads per worker replica', example: 2 }) worker_concurrency!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    description: 'Worker replicas consuming downloader.jobs now (null when the broker cannot say)',
    example: 1,
  })
  job_consumers!: number | null;
  @ApiProperty({ enum: ['concurrent_limit', 'workers', 'unknown'], example: 'workers' }) limited_by!: string;
  @ApiProperty({ example: 'concurrent_limit 3 is above what the workers run at once: WORKER_CONCURRENCY 2 × 1 worker = 2, shared with every other job' })
  reason!: string;
}

export class BatchAccepted {
  @ApiProperty({ example: 'batch_7h2g9f8d1s0a3k5j' }) batch_id!: string;
  @ApiProperty({ enum: ['queued'] }) status!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Jobs in the batch', example: 2 }) total!: number;
  @ApiProperty({ type: [String], description: 'The jobs, in the order of the URLs', example: ['req_k3j5h2g8f9d1', 'req_a1b2c3d4e5f6'] }) request_ids!: string[];
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 }) concurrent_limit!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'How many of the batch can run at once at best: min(concurrent_limit, WORKER_CONCURRENCY × workers)',
    example: 2,
  })
  effective_concurrency!: number | null;
  @ApiProperty({ type: BatchConcurrencyDetail }) concurrency!: BatchConcurrencyDetail;
  @ApiProperty({ example: false }) stop_on_error!: boolean;
  @ApiProperty({ type: 'string', nullable: true, example: 'https://your-app.com/webhook' }) webhook_url!: string | null;
  @ApiProperty({ format: 'date-time', example: '2025-11-06T10:00:00.000Z' }) created_at!: string;
}

export class PlaylistSummary {
  @ApiProperty({ example: 'https://example.com/playlist?list=PL123' }) url!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'My playlist' }) title!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Entries in the playlist', example: 42 }) entries!: number;
}

export class PlaylistAccepted extends BatchAccepted {
  @ApiProperty({ type: PlaylistSummary }) playlist!: PlaylistSummary;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Entries picked by items/start/end', example: 10 }) selected!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Picked entries left out because this key downloaded them before (skip_downloaded)', example: 0 })
  skipped_downloaded!: number;
}

export class ChannelSummary {
  @ApiProperty({ example: 'https://example.com/@channel/videos' }) url!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'Channel Name' }) title!: string | null;
}

export class ChannelAccepted extends BatchAccepted {
  @ApiProperty({ type: ChannelSummary }) channel!: ChannelSummary;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Videos that passed the filters', example: 12 }) matched!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Matched videos left out because this key downloaded them before (skip_downloaded)', example: 0 })
  skipped_downloaded!: number;
}

/** Jobs by status (every status present, 0 when none). */
export class JobStatusCounts {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) queued!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) running!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) completed!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) failed!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) cancelled!: number;
}

export class Batch {
  @ApiProperty({ example: 'batch_7h2g9f8d1s0a3k5j' }) batch_id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'cancelled'], example: 'running' }) status!: string;
  @ApiProperty({ enum: ['urls', 'playlist', 'channel'], description: 'What created it: POST /batch/download, /playlist/download or /channel/download' })
  kind!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'The playlist or channel URL; null for a list of URLs' }) source_url!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 }) total!: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 }) concurrent_limit!: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 2 }) effective_concurrency!: number | null;
  @ApiProperty({ type: BatchConcurrencyDetail }) concurrency!: BatchConcurrencyDetail;
  @ApiProperty({ example: false }) stop_on_error!: boolean;
  @ApiProperty({ type: 'string', nullable: true, example: null }) webhook_url!: string | null;
  @ApiProperty({ type: JobStatusCounts, description: 'Jobs of the batch by status' }) counts!: JobStatusCounts;
  @ApiProperty({ format: 'date-time', example: '2025-11-06T10:00:00.000Z' }) created_at!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null }) cancelled_at!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null }) completed_at!: string | null;
  @ApiProperty({ type: [Job], description: 'The jobs, in the order of the batch' }) downloads!: Job[];
}

export class StoredCookies {
  @ApiProperty({ example: 'ck_3k5j7h2g9f8d', description: 'Pass as cookies_id' }) id!: string;
  @ApiProperty({ example: 'my-youtube-account' }) name!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 12 }) cookie_count!: number;
  @ApiProperty({ type: [String], example: ['.example.com'] }) domains!: string[];
  @ApiProperty({ format: 'date-time', example: '2025-11-06T10:00:00.000Z' }) created_at!: string;
}

export class CookiesList {
  @ApiProperty({ type: [StoredCookies], description: 'Newest first' }) cookies!: StoredCookies[];
}

export class DeadLetter {
  @ApiProperty({ type: 'string', nullable: true }) message_id!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'download.requested' }) type!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'req_k3j5h2g8f9d1' }) request_id!: string | null;
  @ApiProperty({ example: 'rejected', description: "Why: the broker's x-death reason (rejected, delivery_limit, expired…) or the sender's reason" })
  reason!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'downloader.jobs' }) from_queue!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) dead_lettered_at!: string | null;
}

export class DeadLetterQueue {
  @ApiProperty({ example: 'downloader.jobs.dead' }) queue!: string;
  @ApiProperty({ example: 'downloader.jobs', description: 'Where a replay sends its messages' }) replays_to!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) messages!: number;
  @ApiProperty({ type: [DeadLetter], description: 'The first `limit` messages, oldest first (without their bodies)' }) sample!: DeadLetter[];
}

export class DeadLetters {
  @ApiProperty({ type: [DeadLetterQueue] }) queues!: DeadLetterQueue[];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Messages over all queues', example: 1 }) total!: number;
}

export class DeadLetterReplay {
  @ApiProperty({ example: 'downloader.jobs.dead' }) queue!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) replayed!: number;
}

export class VersionInfo {
  @ApiProperty({ example: 'media-download-api' }) name!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ example: 'v1' }) api_version!: string;
  @ApiProperty({ example: 'v22.11.0', description: 'The gateway’s Node.js version' }) node!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'As a worker reports it; null when no worker answers', example: '2025.10.22' }) yt_dlp_version!:
    string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'As a worker reports it; null when no worker answers', example: '7.1.1' }) ffmpeg_version!:
    string | null;
}

export class JobTotals extends JobStatusCounts {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 }) total!: number;
}

export class QueueDepth {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Messages ready', example: 0 }) messages!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) consumers!: number;
}

export class ToolStatus {
  @ApiProperty({ example: 'yt-dlp' }) name!: string;
  @ApiProperty({ example: '/usr/local/bin/yt-dlp', description: 'Where the worker looks for it (YTDLP_PATH, FFMPEG_PATH)' }) path!: string;
  @ApiProperty({ type: 'string', nullable: true, example: '2025.10.22' }) version!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why it cannot be used (for example "is missing")', example: null }) error!: string | null;
}

export class WorkerStats {
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, description: 'Consumers of downloader.jobs (null when the broker cannot say)', example: 1 })
  count!: number | null;
  @ApiProperty({ description: 'Jobs are queued and no worker consumes them', example: false }) waiting_for_worker!: boolean;
  @ApiProperty({ type: [ToolStatus], nullable: true, description: 'The tools a worker reports; null when no worker answers' }) tools!: ToolStatus[] | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) tools_reported_at!: string | null;
}

export class DiskStats {
  @ApiProperty({ example: '/data/media', description: 'The media folder (STORAGE_DIR)' }) path!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) total_bytes?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) free_bytes?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) used_bytes?: number;
  @ApiPropertyOptional({ type: 'number', nullable: true, example: 42.5 }) used_percent?: number | null;
  @ApiPropertyOptional({ description: 'Why the numbers are missing (an errno code such as ENOENT)', example: 'ENOENT' }) error?: string;
}

@ApiExtraModels(QueueDepth)
export class SystemStats {
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ type: JobTotals, description: 'Jobs in the store by status' }) jobs!: JobTotals;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { $ref: '#/components/schemas/QueueDepth' },
    description: 'Per queue (downloader.jobs, downloader.metadata, webhooks, …); null when the broker cannot say',
    example: { 'downloader.jobs': { messages: 0, consumers: 1 } },
  })
  queues!: Record<string, QueueDepth> | null;
  @ApiProperty({ type: WorkerStats }) workers!: WorkerStats;
  @ApiProperty({ type: DiskStats }) disk!: DiskStats;
  @ApiProperty({ type: [String], description: 'What needs attention, for example no worker consuming jobs or a missing tool' }) warnings!: string[];
}
