import { ApiProperty } from '@nestjs/swagger';
import { FileInfo, MediaMetadata, Progress } from './models';

/** The webhook bodies of WEBHOOKS_GUIDE.md (and SPEC §4's additions), field for field as apps/webhook-sender/src/delivery/payload.ts builds them. */

class EventDataBase {
  @ApiProperty({ example: 'req_abc123' }) request_id!: string;
  @ApiProperty({ example: 'https://example.com/video' }) url!: string;
}

export class DownloadStartedData extends EventDataBase {
  @ApiProperty({ enum: ['running'] }) status!: string;
}

export class DownloadProgressData extends EventDataBase {
  @ApiProperty({ enum: ['running'] }) status!: string;
  @ApiProperty({ type: Progress }) progress!: Progress;
}

export class WebhookFileInfo {
  @ApiProperty({ example: 'video-abc123.mp4' }) filename!: string;
  @ApiProperty({ example: 'videos/video-abc123.mp4' }) filepath!: string;
  @ApiProperty({ type: 'integer', example: 104857600 }) size_bytes!: number;
  @ApiProperty({ example: 'https://api.example.com/files/videos/video-abc123.mp4?expires=1767225600&signature=3f1c0e' }) download_url!: string;
}

export class DownloadCompletedData extends EventDataBase {
  @ApiProperty({ enum: ['completed'] }) status!: string;
  @ApiProperty({ type: WebhookFileInfo }) file_info!: FileInfo;
  @ApiProperty({ type: MediaMetadata }) metadata!: MediaMetadata;
}

export class DownloadFailedData extends EventDataBase {
  @ApiProperty({ enum: ['failed'] }) status!: string;
  @ApiProperty({ example: 'ERROR: Unsupported URL: https://example.com/video' }) error!: string;
}

export class DownloadCancelledData extends EventDataBase {
  @ApiProperty({ enum: ['cancelled'] }) status!: string;
}

export class BatchCompletedData {
  @ApiProperty({ example: 'batch_k3j5h2g8f9d1s4a6' }) batch_id!: string;
  @ApiProperty({ example: 'completed' }) status!: string;
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) completed!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
  @ApiProperty({ type: 'integer' }) cancelled!: number;
  @ApiProperty({ type: [String] }) request_ids!: string[];
}

function envelope(event: string, data: new () => unknown, example: unknown) {
  class Envelope {
    @ApiProperty({ enum: [event] }) event!: string;
    @ApiProperty({ format: 'date-time', example: '2025-11-06T10:02:30Z', description: 'ISO 8601 UTC, whole seconds' }) timestamp!: string;
    @ApiProperty({ example: 'req_abc123', description: 'Equals data.request_id' }) request_id!: string;
    @ApiProperty({ type: data }) data!: unknown;
  }
  Object.defineProperty(Envelope, 'name', { value: WEBHOOK_SCHEMA_NAMES[event] });
  WEBHOOK_EXAMPLES[event] = example;
  return Envelope;
}

export const WEBHOOK_SCHEMA_NAMES: Record<string, string> = {
  'download.started': 'DownloadStartedWebhook',
  'download.progress': 'DownloadProgressWebhook',
  'download.completed': 'DownloadCompletedWebhook',
  'download.failed': 'DownloadFailedWebhook',
  'download.cancelled': 'DownloadCancelledWebhook',
  'batch.completed': 'BatchCompletedWebhook',
  'download.expired': 'DownloadExpiredWebhook',
  'subscription.checked': 'SubscriptionCheckedWebhook',
};
export const WEBHOOK_EXAMPLES: Record<string, unknown> = {};
const base = { request_id: 'req_abc123', url: 'https://example.com/video' };
const ts = '2025-11-06T10:02:30Z';

export const DownloadStartedWebhook = envelope('download.started', DownloadStartedData, {
  event: 'download.started',
  timestamp: ts,
  request_id: 'req_abc123',
  data: { ...base, status: 'running' },
});
export const DownloadProgressWebhook = envelope('download.progress', DownloadProgressData, {
  event: 'download.progress',
  timestamp: ts,
  request_id: 'req_abc123',
  data: { ...base, status: 'running', progress: { percent: 45.5, downloaded_bytes: 47721881, total_bytes: 104857600, speed: 2097152, eta: 27 } },
});
export const DownloadCompletedWebhook = envelope('download.completed', DownloadCompletedData, {
  event: 'download.completed',
  timestamp: ts,
  request_id: 'req_abc123',
  data: {
    ...base,
    status: 'completed',
    file_info: {
      filename: 'video-abc123.mp4',
      filepath: 'videos/video-abc123.mp4',
      size_bytes: 104857600,
      download_url: 'https://api.example.com/files/videos/video-abc123.mp4?expires=1767225600&signature=3f1c0e',
    },
    metadata: { title: 'Example Video', uploader: 'Channel Name', duration: 600 },
  },
});
export const DownloadFailedWebhook = envelope('download.failed', DownloadFailedData, {
  event: 'download.failed',
  timestamp: ts,
  request_id: 'req_abc123',
  data: { ...base, status: 'failed', error: 'ERROR: Unsupported URL: https://example.com/video' },
});
export const DownloadCancelledWebhook = envelope('download.cancelled', DownloadCancelledData, {
  event: 'download.cancelled',
  timestamp: ts,
  request_id: 'req_abc123',
  data: { ...base, status: 'cancelled' },
});

export class BatchCompletedWebhook {
  @ApiProperty({ enum: ['batch.completed'] }) event!: string;
  @ApiProperty({ format: 'date-time', example: ts }) timestamp!: string;
  @ApiProperty({ type: 'null', description: 'Always null: a batch is not one request' }) request_id!: null;
  @ApiProperty({ example: 'batch_k3j5h2g8f9d1s4a6' }) batch_id!: string;
  @ApiProperty({ type: BatchCompletedData }) data!: BatchCompletedData;
}
WEBHOOK_EXAMPLES['batch.completed'] = {
  event: 'batch.completed',
  timestamp: ts,
  request_id: null,
  batch_id: 'batch_k3j5h2g8f9d1s4a6',
  data: { batch_id: 'batch_k3j5h2g8f9d1s4a6', status: 'completed', total: 2, completed: 2, failed: 0, cancelled: 0, request_ids: ['req_abc123', 'req_def456'] },
};

export class DownloadExpiredData extends EventDataBase {
  @ApiProperty({ enum: ['completed'], description: 'The job stays completed; its files are gone' }) status!: string;
  @ApiProperty({ enum: [true] }) file_deleted!: boolean;
  @ApiProperty({ type: 'string', nullable: true, example: 'videos/video-abc123.mp4' }) filepath!: string | null;
  @ApiProperty({ type: 'integer', description: 'Media and sidecar files removed' }) files_removed!: number;
  @ApiProperty({ type: 'integer' }) bytes_freed!: number;
  @ApiProperty({ example: 72, description: 'The retention that ran out (retention_hours or FILE_RETENTION_HOURS)' }) retention_hours!: number;
  @ApiProperty({ format: 'date-time', example: ts }) expired_at!: string;
}

export const DownloadExpiredWebhook = envelope('download.expired', DownloadExpiredData, {
  event: 'download.expired',
  timestamp: ts,
  request_id: 'req_abc123',
  data: {
    ...base,
    status: 'completed',
    file_deleted: true,
    filepath: 'videos/video-abc123.mp4',
    files_removed: 2,
    bytes_freed: 104858624,
    retention_hours: 72,
    expired_at: ts,
  },
});

export class SubscriptionCheckedData {
  @ApiProperty({ example: 'sub_9f8d7s6a5k4j3h2g' }) subscription_id!: string;
  @ApiProperty({ example: 'chk_4k2j5h7g9f1d3s5a' }) check_id!: string;
  @ApiProperty({ example: 'https://example.com/channel/feed.xml' }) url!: string;
  @ApiProperty({ enum: ['schedule', 'manual', 'create'] }) trigger!: string;
  @ApiProperty({ enum: ['ok', 'failed'] }) status!: string;
  @ApiProperty({ type: 'integer' }) items_seen!: number;
  @ApiProperty({ type: 'integer' }) new_items!: number;
  @ApiProperty({ type: [String], description: 'The jobs this check queued (each sends its own download.* events)' }) request_ids!: string[];
  @ApiProperty({ type: 'string', nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time', example: ts }) checked_at!: string;
}

export class SubscriptionCheckedWebhook {
  @ApiProperty({ enum: ['subscription.checked'] }) event!: string;
  @ApiProperty({ format: 'date-time', example: ts }) timestamp!: string;
  @ApiProperty({ type: 'null', description: 'Always null: a check is not one request' }) request_id!: null;
  @ApiProperty({ example: 'sub_9f8d7s6a5k4j3h2g' }) subscription_id!: string;
  @ApiProperty({ type: SubscriptionCheckedData }) data!: SubscriptionCheckedData;
}
WEBHOOK_EXAMPLES['subscription.checked'] = {
  event: 'subscription.checked',
  timestamp: ts,
  request_id: null,
  subscription_id: 'sub_9f8d7s6a5k4j3h2g',
  data: {
    subscription_id: 'sub_9f8d7s6a5k4j3h2g',
    check_id: 'chk_4k2j5h7g9f1d3s5a',
    url: 'https://example.com/channel/feed.xml',
    trigger: 'schedule',
    status: 'ok',
    items_seen: 12,
    new_items: 1,
    request_ids: ['req_abc123'],
    error: null,
    checked_at: ts,
  },
};

export const WEBHOOK_MODELS = [
  DownloadStartedWebhook,
  DownloadProgressWebhook,
  DownloadCompletedWebhook,
  DownloadFailedWebhook,
  DownloadCancelledWebhook,
  BatchCompletedWebhook,
  DownloadExpiredWebhook,
  SubscriptionCheckedWebhook,
];

export const WEBHOOK_DESCRIPTIONS: Record<string, string> = {
  'download.started': 'A worker began the download.',
  'download.progress': 'Progress, at most one a second per job.',
  'download.completed': 'The file is stored; `download_url` is a signed, expiring link.',
  'download.failed': 'The download failed for good (after its retries).',
  'download.cancelled': 'Addition to the guide: the job was cancelled (DELETE /api/v1/download/{request_id}).',
  'batch.completed': 'Addition to the guide: every job of a batch is final. Sent to the batch webhook_url.',
  'download.expired': "Addition to the guide: the job's retention ran out and its files were removed (the job stays, file_deleted).",
  'subscription.checked':
    "Addition to the guide: a subscription's check found new items (their request_ids) or failed. Sent to the subscription's webhook_url.",
};
