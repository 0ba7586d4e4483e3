import { ApiFailure, describeFailure, networkFailure } from './errors';
import type { components } from '@mda/client/schema';
import type { DownloadOptions, DownloadRequestOptions, Job, JobPage, JobStatus, ListingEntry, LogLine, WebhookLog } from './types';

type Json = Record<string, unknown>;
type Schemas = components['schemas'];

/** The options the form sends (the documented request fields; unset ones are left to the API's defaults). */
function cleanOptions(o: DownloadOptions): DownloadRequestOptions {
  const out: DownloadRequestOptions = { quality: o.quality, video_format: o.video_format, audio_format: o.audio_format };
  if (o.webhook_url) out.webhook_url = o.webhook_url;
  if (o.download_subtitles) {
    out.download_subtitles = true;
    if (o.subtitle_languages?.length) out.subtitle_languages = o.subtitle_languages;
  }
  if (o.embed_metadata) out.embed_metadata = true;
  if (o.write_thumbnail) out.write_thumbnail = true;
  return out;
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
    const body = await this.request<Schemas['JobList']>('GET', `/api/v1/downloads?${p}`, 'a list of downloads');
    return { jobs: body.downloads, nextCursor: body.next_cursor || null };
  }

  /** Cancels; answers the job as it now stands. */
  async cancel(id: string): Promise<Job> {
    const body = await this.request<Json | null>('DELETE', `/api/v1/download/${encodeURIComponent(id)}`, 'cancelling downloads');
    if (body && typeof body['request_id'] === 'string' && typeof body['status'] === 'string' && 'url' in body) return body as unknown as Job;
    return this.getDownload(id);
  }

  async logs(id: string): Promise<LogLine[]> {
    const body = await this.request<Schemas['JobLogs']>('GET', `/api/v1/download/${encodeURIComponent(id)}/logs`, 'download logs');
    return body.logs.map((line) => ({ line }));
  }

  async webhooks(id: string): Promise<WebhookLog> {
    const body = await this.request<Schemas['WebhookDeliveries']>('GET', `/api/v1/download/${encodeURIComponent(id)}/webhooks`, 'the webhook delivery log');
    return { webhook_url: body.webhook_url, attempts: body.attempts };
  }

  redeliver(id: string, all: boolean): Promise<Schemas['Redelivery']> {
    return this.request('POST', `/api/v1/download/${encodeURIComponent(id)}/webhooks/redeliver${all ? '?all=true' : ''}`, 'webhook redelivery');
  }

  /** Starts a batch; answers its id and the new jobs' request ids. */
  async batch(urls: string[], options: DownloadOptions): Promise<{ batchId: string; requestIds: string[] }> {
    const body = await this.request<Schemas['BatchAccepted']>('POST', '/api/v1/batch/download', 'batch downloads', { urls, ...cleanOptions(options) });
    return { batchId: body.batch_id, requestIds: body.request_ids };
  }

  async preview(kind: 'playlist' | 'channel', url: string, limit = 50): Promise<{ title: string | null; entries: ListingEntry[]; total: number | null }> {
    const p = new URLSearchParams({ url });
    if (kind === 'playlist') {
      p.set('limit', String(limit));
      const body = await this.request<Schemas['PlaylistPreview']>('GET', `/api/v1/playlist/preview?${p}`, 'playlist previews');
      return { title: body.title, entries: body.entries, total: body.total };
    }
    p.set('page_size', String(limit));
    const body = await this.request<Schemas['ChannelInfo']>('GET', `/api/v1/channel/info?${p}`, 'channel listings');
    return { title: body.title ?? body.uploader, entries: body.videos, total: body.total };
  }

  async downloadListing(kind: 'playlist' | 'channel', url: string, options: DownloadOptions, pick: { items?: string; maxDownloads?: number }) {
    const extra: Json = {};
    if (kind === 'playlist' && pick.items) extra['items'] = pick.items;
    if (kind === 'channel' && pick.maxDownloads) extra['max_downloads'] = pick.maxDownloads;
    const body = await this.request<Schemas['BatchAccepted']>(
      'POST',
      `/api/v1/${kind}/download`,
      kind === 'playlist' ? 'playlist downloads' : 'channel downloads',
      {
        url,
        ...cleanOptions(options),
        ...extra,
      },
    );
    return { batchId: body.batch_id, requestIds: body.request_ids };
  }
}

export { ApiFailure };
