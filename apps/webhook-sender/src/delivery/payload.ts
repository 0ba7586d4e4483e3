import { BatchCompleted, DownloadEvent, ROUTING_KEYS, WebhookEventName } from '@mda/contracts';
import type { FileLinks } from '@mda/file-links';

/** `2025-11-06T10:02:30Z`: ISO 8601 UTC, whole seconds, as the seed writes it. */
export function seedTimestamp(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface WebhookPayload {
  event: WebhookEventName;
  timestamp: string;
  request_id: string;
  data: Record<string, unknown>;
}

/**
 * The seed's payload for one lifecycle event, field for field (WEBHOOKS_GUIDE.md); `download_url`
 * gets its signed, expiring query here.
 */
export function buildPayload(event: DownloadEvent, occurredAt: string, links: FileLinks): WebhookPayload {
  const d = event.data;
  const common = { request_id: d.request_id, url: d.url };
  const wrap = (data: Record<string, unknown>): WebhookPayload => ({
    event: event.type,
    timestamp: seedTimestamp(occurredAt),
    request_id: d.request_id,
    data,
  });
  switch (event.type) {
    case ROUTING_KEYS.downloadStarted:
      return wrap({ ...common, status: 'running' });
    case ROUTING_KEYS.downloadProgress: {
      const p = event.data.progress;
      return wrap({
        ...common,
        status: 'running',
        progress: { percent: p.percent, downloaded_bytes: p.downloaded_bytes, total_bytes: p.total_bytes, speed: p.speed, eta: p.eta },
      });
    }
    case ROUTING_KEYS.downloadCompleted: {
      const c = event.data;
      const f = c.file_info;
      return wrap({
        ...common,
        status: 'completed',
        // the sidecars (subtitles, thumbnail, ...) too, each link signed for this delivery
        file_info: links.signFileInfo({ filename: f.filename, filepath: f.filepath, size_bytes: f.size_bytes, download_url: f.download_url, ...(f.files?.length ? { files: f.files } : {}) }),
        metadata: c.metadata,
      });
    }
    case ROUTING_KEYS.downloadFailed:
      return wrap({ ...common, status: 'failed', error: event.data.error });
    case ROUTING_KEYS.downloadCancelled: {
      // download.cancelled is an addition to the guide: it says why when the worker or the batch knows
      const reason = event.data.reason;
      return wrap({ ...common, status: 'cancelled', ...(reason ? { reason } : {}) });
    }
    default: {
      const never: never = event;
      throw new Error(`no webhook payload for ${(never as { type: string }).type}`);
    }
  }
}

/**
 * `batch.completed` (an addition to the seed): the seed's envelope with `request_id: null`, so a
 * receiver written from the guide that reads `request_id` first still gets a value, plus `batch_id`.
 */
export function buildBatchPayload(b: BatchCompleted, occurredAt: string) {
  return {
    event: 'batch.completed' as const,
    timestamp: seedTimestamp(occurredAt),
    request_id: null,
    batch_id: b.batch_id,
    data: {
      batch_id: b.batch_id,
      status: b.status,
      total: b.total,
      completed: b.counts.completed,
      failed: b.counts.failed,
      cancelled: b.counts.cancelled,
      request_ids: b.request_ids,
    },
  };
}
