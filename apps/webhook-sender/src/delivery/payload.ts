import { BatchCompleted, DownloadEvent, DownloadExpired, ROUTING_KEYS, SubscriptionChecked, WebhookEventName } from '@mda/contracts';
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
export async function buildPayload(event: DownloadEvent, occurredAt: string, links: FileLinks): Promise<WebhookPayload> {
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
        file_info: await links.signFileInfo({
          filename: f.filename,
          filepath: f.filepath,
          size_bytes: f.size_bytes,
          download_url: f.download_url,
          ...(f.files?.length ? { files: f.files } : {}),
        }),
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

/**
 * `download.expired` (an addition to the seed): the seed's envelope for a completed job whose files
 * were removed when its retention ran out. The job stays, flagged `file_deleted`.
 */
export function buildExpiredPayload(e: DownloadExpired, occurredAt: string) {
  return {
    event: 'download.expired' as const,
    timestamp: seedTimestamp(occurredAt),
    request_id: e.request_id,
    data: {
      request_id: e.request_id,
      url: e.url,
      status: 'completed',
      file_deleted: true,
      filepath: e.filepath,
      files_removed: e.files_removed,
      bytes_freed: e.bytes_freed,
      retention_hours: e.retention_hours,
      expired_at: seedTimestamp(e.expired_at),
    },
  };
}

/**
 * `subscription.checked` (an addition to the seed): a subscription's check found new items (their
 * jobs' ids) or failed. `request_id: null` like `batch.completed`; each new job sends its own events.
 */
export function buildSubscriptionPayload(c: SubscriptionChecked, occurredAt: string) {
  return {
    event: 'subscription.checked' as const,
    timestamp: seedTimestamp(occurredAt),
    request_id: null,
    subscription_id: c.subscription_id,
    data: {
      subscription_id: c.subscription_id,
      check_id: c.check_id,
      url: c.url,
      trigger: c.trigger,
      status: c.status,
      items_seen: c.items_seen,
      new_items: c.new_items,
      request_ids: c.request_ids,
      error: c.error,
      checked_at: seedTimestamp(c.checked_at),
    },
  };
}
