import type { ApiClient } from './client';
import type { ClearableStatus, ClearedDownloads, NewSubscription, RetriedFailed, Subscription, SubscriptionCheck, WebhookEventState } from './library-types';
import type { DownloadOptions, Job, WebhookAttempt } from './types';

export interface WebhookEventRow extends WebhookEventState {
  /** This event's attempts, oldest first (redeliveries after the original ones). */
  tries: WebhookAttempt[];
  /** The newest of them. */
  last: WebhookAttempt | null;
}

export interface WebhookEvents {
  webhook_url: string | null;
  events: WebhookEventRow[];
}

const order = (a: WebhookAttempt, b: WebhookAttempt) => (a.redelivery ?? 0) - (b.redelivery ?? 0) || a.attempt - b.attempt;

/**
 * One row per event: the server's per-event states with their attempts attached. A server that
 * lists attempts only gets its events derived from them (state: the latest attempt's outcome).
 */
export function eventsOf(events: WebhookEventState[] | undefined, attempts: WebhookAttempt[]): WebhookEventRow[] {
  const byEvent = new Map<string, WebhookAttempt[]>();
  for (const a of attempts) byEvent.set(a.webhook_id, [...(byEvent.get(a.webhook_id) ?? []), a]);
  const base: WebhookEventState[] =
    events ??
    [...byEvent.entries()].map(([id, tries]) => {
      const last = [...tries].sort(order).pop()!;
      return {
        webhook_id: id,
        event: last.event,
        state: last.outcome,
        attempts: tries.length,
        created_at: tries[0].attempted_at,
        updated_at: last.attempted_at,
      };
    });
  return base.map((e) => {
    const tries = [...(byEvent.get(e.webhook_id) ?? [])].sort(order);
    return { ...e, tries, last: tries[tries.length - 1] ?? null };
  });
}

const enc = encodeURIComponent;

/** Download options as a subscription stores them: only what differs from nothing. */
function optionFields(o: DownloadOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { quality: o.quality, video_format: o.video_format, audio_format: o.audio_format };
  if (o.download_subtitles) {
    out['download_subtitles'] = true;
    if (o.subtitle_languages?.length) out['subtitle_languages'] = o.subtitle_languages;
  }
  if (o.embed_metadata) out['embed_metadata'] = true;
  if (o.write_thumbnail) out['write_thumbnail'] = true;
  return out;
}

/**
 * The library's routes (issue 15) as the page calls them, through the same client (key header,
 * errors in words).
 */
export class LibraryApi {
  constructor(private readonly api: ApiClient) {}

  /** Queues a failed or cancelled job again; answers the new job (its retry_of names the old one). */
  retry(id: string): Promise<Job> {
    return this.api.request('POST', `/api/v1/download/${enc(id)}/retry`, `download ${id}`);
  }

  /** Removes a completed job's media and sidecars; answers the job as it now stands. */
  deleteFile(id: string): Promise<Job & { files_removed: number; bytes_freed: number }> {
    return this.api.request('DELETE', `/api/v1/download/${enc(id)}/file`, `download ${id}`);
  }

  retryFailed(): Promise<RetriedFailed> {
    return this.api.request('POST', '/api/v1/downloads/retry-failed', 'retrying failed downloads', {});
  }

  clear(status: ClearableStatus[], deleteFiles: boolean): Promise<ClearedDownloads> {
    return this.api.request('POST', '/api/v1/downloads/clear', 'clearing downloads', { status, delete_files: deleteFiles });
  }

  /** A job's webhook events, each with its state and its attempts (oldest first). */
  async webhookEvents(id: string): Promise<WebhookEvents> {
    const body = await this.api.request<{ webhook_url?: string | null; events?: WebhookEventState[]; attempts?: WebhookAttempt[] }>(
      'GET',
      `/api/v1/download/${enc(id)}/webhooks`,
      'the webhook delivery log',
    );
    return { webhook_url: body.webhook_url ?? null, events: eventsOf(body.events, body.attempts ?? []) };
  }

  async subscriptions(): Promise<Subscription[]> {
    const body = await this.api.request<{ subscriptions?: Subscription[] }>('GET', '/api/v1/subscriptions', 'subscriptions');
    return body.subscriptions ?? [];
  }

  subscription(id: string): Promise<Subscription> {
    return this.api.request('GET', `/api/v1/subscriptions/${enc(id)}`, `subscription ${id}`);
  }

  createSubscription(s: NewSubscription, webhookUrl?: string): Promise<Subscription> {
    const body: Record<string, unknown> = { url: s.url, check_interval: s.check_interval, backfill: s.backfill, ...optionFields(s.options) };
    for (const [k, v] of Object.entries(s.filters)) if (v !== undefined && v !== '') body[k] = v;
    if (webhookUrl) body['webhook_url'] = webhookUrl;
    if (s.paused) body['paused'] = true;
    return this.api.request('POST', '/api/v1/subscriptions', 'subscriptions', body);
  }

  setPaused(id: string, paused: boolean): Promise<Subscription> {
    return this.api.request('PATCH', `/api/v1/subscriptions/${enc(id)}`, `subscription ${id}`, { paused });
  }

  checkNow(id: string): Promise<SubscriptionCheck> {
    return this.api.request('POST', `/api/v1/subscriptions/${enc(id)}/check`, `subscription ${id}`);
  }

  deleteSubscription(id: string): Promise<{ subscription_id: string; deleted: boolean }> {
    return this.api.request('DELETE', `/api/v1/subscriptions/${enc(id)}`, `subscription ${id}`);
  }
}
