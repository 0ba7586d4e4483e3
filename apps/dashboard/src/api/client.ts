import { ApiFailure, describeFailure, networkFailure } from './errors';
import type { DownloadOptions, Job, JobPage, JobStatus, ListingEntry, LogLine, WebhookLog } from './types';

type Json = Record<string, unknown>;

function firstArray(body: Json, keys: string[]): unknown[] {
  for (const k of keys) if (Array.isArray(body[k])) return body[k] as unknown[];
  return [];
}

function cleanOptions(o: DownloadOptions): Json {
  const out: Json = { quality: o.quality, video_format: o.video_format, audio_format: o.audio_format };
  if (o.webhook_url) out['webhook_url'] = o.webhook_url;
  if (o.download_subtitles) {
    out['download_subtitles'] = true;
    if (o.subtitle_languages?.length) out['subtitle_languages'] = o.subtitle_languages;
  }
  if (o.embed_metadata) out['embed_metadata'] = true;
  if (o.write_thumbnail) out['write_thumbnail'] = true;
  return out;
}

function toEntries(items: unknown[]): ListingEntry[] {
  return items.map((raw, i) => {
    const e = raw as Json;
    return {
      index: typeof e['index'] === 'number' ? (e['index'] as number) : typeof e['playlist_index'] === 'number' ? (e['playlist_index'] as number) : i + 1,
      id: e['id'] as string | undefined,
      title: String(e['title'] ?? e['url'] ?? `Item ${i + 1}`),
      duration: typeof e['duration'] === 'number' ? (e['duration'] as number) : null,
      url: (e['url'] ?? e['webpage_url']) as string | undefined,
      upload_date: (e['upload_date'] as string | null | undefined) ?? null,
    };
  });
}

/**
 * The gateway's REST API as the page calls it. Every call sends the key in the X-API-Key header;
 * it never goes into a URL. Failures become ApiFailure with a sentence for people.
 */
export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly base = '',
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  async request<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: { 'X-API-Key': this.key, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw networkFailure();
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) throw describeFailure(res.status, parsed, res.headers.get('retry-after'), what);
    return parsed as T;
  }

  createDownload(url: string, options: DownloadOptions): Promise<Job> {
    return this.request('POST', '/api/v1/download', 'downloads', { url, ...cleanOptions(options) });
  }

  getDownload(id: string): Promise<Job> {
    return this.request('GET', `/api/v1/download/${encodeURIComponent(id)}`, `download ${id}`);
  }

  async listDownloads(q: { status?: JobStatus | ''; cursor?: string | null; limit?: number }): Promise<JobPage> {
    const p = new URLSearchParams({ limit: String(q.limit ?? 20) });
    if (q.status) p.set('status', q.status);
    if (q.cursor) p.set('cursor', q.cursor);
    const body = await this.request<Json>('GET', `/api/v1/downloads?${p}`, 'a list of downloads');
    const next = body['next_cursor'] ?? (body['pagination'] as Json | undefined)?.['next_cursor'] ?? null;
    return { jobs: firstArray(body, ['downloads', 'items', 'data', 'jobs']) as Job[], nextCursor: (next as string | null) || null };
  }

  /** Cancels; answers the job as it now stands. */
  async cancel(id: string): Promise<Job> {
    const body = await this.request<Json | null>('DELETE', `/api/v1/download/${encodeURIComponent(id)}`, 'cancelling downloads');
    if (body && typeof body['request_id'] === 'string' && typeof body['status'] === 'string' && 'url' in body) return body as unknown as Job;
    return this.getDownload(id);
  }

  async logs(id: string): Promise<LogLine[]> {
    const body = await this.request<Json | unknown[]>('GET', `/api/v1/download/${encodeURIComponent(id)}/logs`, 'download logs');
    const items = Array.isArray(body) ? body : firstArray(body, ['logs', 'lines', 'items']);
    return items.map((l) => (typeof l === 'string' ? { line: l } : { at: (l as Json)['at'] as string | undefined, line: String((l as Json)['line'] ?? (l as Json)['message'] ?? '') }));
  }

  async webhooks(id: string): Promise<WebhookLog> {
    const body = await this.request<Json>('GET', `/api/v1/download/${encodeURIComponent(id)}/webhooks`, 'the webhook delivery log');
    return { webhook_url: (body['webhook_url'] as string | null) ?? null, attempts: firstArray(body, ['attempts', 'items']) as WebhookLog['attempts'] };
  }

  redeliver(id: string, all: boolean): Promise<Json> {
    return this.request('POST', `/api/v1/download/${encodeURIComponent(id)}/webhooks/redeliver${all ? '?all=true' : ''}`, 'webhook redelivery');
  }

  /** Starts a batch; answers its id and the new jobs' request ids. */
  async batch(urls: string[], options: DownloadOptions): Promise<{ batchId: string; requestIds: string[] }> {
    const body = await this.request<Json>('POST', '/api/v1/batch/download', 'batch downloads', { urls, ...cleanOptions(options) });
    return { batchId: String(body['batch_id'] ?? ''), requestIds: requestIdsOf(body) };
  }

  async preview(kind: 'playlist' | 'channel', url: string, limit = 50): Promise<{ title: string | null; entries: ListingEntry[]; total: number | null }> {
    const p = new URLSearchParams({ url });
    if (kind === 'playlist') p.set('limit', String(limit));
    else p.set('page_size', String(limit));
    const path = kind === 'playlist' ? `/api/v1/playlist/preview?${p}` : `/api/v1/channel/info?${p}`;
    const body = await this.request<Json>('GET', path, kind === 'playlist' ? 'playlist previews' : 'channel listings');
    const entries = toEntries(firstArray(body, ['entries', 'items', 'videos']));
    const total = body['total'] ?? body['total_count'] ?? body['count'] ?? body['video_count'] ?? null;
    return { title: (body['title'] as string | null) ?? (body['channel'] as string | null) ?? null, entries, total: typeof total === 'number' ? total : null };
  }

  async downloadListing(kind: 'playlist' | 'channel', url: string, options: DownloadOptions, pick: { items?: string; maxDownloads?: number }) {
    const extra: Json = {};
    if (kind === 'playlist' && pick.items) extra['items'] = pick.items;
    if (kind === 'channel' && pick.maxDownloads) extra['max_downloads'] = pick.maxDownloads;
    const body = await this.request<Json>('POST', `/api/v1/${kind}/download`, kind === 'playlist' ? 'playlist downloads' : 'channel downloads', {
      url,
      ...cleanOptions(options),
      ...extra,
    });
    return { batchId: String(body['batch_id'] ?? ''), requestIds: requestIdsOf(body) };
  }
}

function requestIdsOf(body: Json): string[] {
  if (Array.isArray(body['request_ids'])) return body['request_ids'] as string[];
  return firstArray(body, ['jobs', 'downloads', 'items'])
    .map((j) => (typeof j === 'string' ? j : ((j as Json)['request_id'] as string)))
    .filter(Boolean);
}

export { ApiFailure };
