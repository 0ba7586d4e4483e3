import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

export type Schemas = components['schemas'];
export type Job = Schemas['Job'];
export type JobList = Schemas['JobList'];
export type CancelledJob = Schemas['CancelledJob'];
export type JobLogs = Schemas['JobLogs'];
export type WebhookDeliveries = Schemas['WebhookDeliveries'];
export type Redelivery = Schemas['Redelivery'];
export type MediaInfo = Schemas['MediaInfo'];
/** The body of every error: `{ error: { code, message, details? } }`. */
export type ApiErrorBody = Schemas['ErrorResponse'];
export type DownloadRequest = Schemas['CreateDownloadDto'];
export type ListQuery = NonNullable<paths['/api/v1/downloads']['get']['parameters']['query']>;

/** An API answer as a value: the data, or the error body with its HTTP status (status 0: no answer, a network error). */
export type Result<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiErrorBody };

export interface MdaClientOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof globalThis.fetch;
}

/** The raw openapi-fetch client typed with the document's paths (every route), with X-API-Key sent. */
export function createRawClient(opts: MdaClientOptions): Client<paths> {
  const client = createClient<paths>({ baseUrl: opts.baseUrl.replace(/\/+$/, ''), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('X-API-Key', opts.apiKey);
      return request;
    },
  };
  client.use(auth);
  return client;
}

function networkError(err: unknown): { ok: false; status: 0; error: ApiErrorBody } {
  return { ok: false, status: 0, error: { error: { code: 'network_error', message: (err as Error).message || String(err) } } };
}

async function settle<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Result<T>> {
  try {
    const { data, error, response } = await call;
    if (response.ok) return { ok: true, status: response.status, data: data as T };
    const body = error as ApiErrorBody | undefined;
    const valid = body && typeof body === 'object' && body.error && typeof body.error.code === 'string';
    return {
      ok: false,
      status: response.status,
      error: valid ? body : { error: { code: `http_${response.status}`, message: response.statusText || 'HTTP error' } },
    };
  } catch (err) {
    return networkError(err);
  }
}

/** Typed calls for the download API. Every method answers a Result (never throws for an HTTP error). */
export class MdaClient {
  readonly raw: Client<paths>;

  constructor(readonly options: MdaClientOptions) {
    this.raw = createRawClient(options);
  }

  submit(body: DownloadRequest): Promise<Result<Job>> {
    return settle(this.raw.POST('/api/v1/download', { body }));
  }

  get(requestId: string): Promise<Result<Job>> {
    return settle(this.raw.GET('/api/v1/download/{request_id}', { params: { path: { request_id: requestId } } }));
  }

  list(query: ListQuery = {}): Promise<Result<JobList>> {
    return settle(this.raw.GET('/api/v1/downloads', { params: { query } }));
  }

  cancel(requestId: string): Promise<Result<CancelledJob>> {
    return settle(this.raw.DELETE('/api/v1/download/{request_id}', { params: { path: { request_id: requestId } } }));
  }

  logs(requestId: string): Promise<Result<JobLogs>> {
    return settle(this.raw.GET('/api/v1/download/{request_id}/logs', { params: { path: { request_id: requestId } } }));
  }

  webhooks(requestId: string): Promise<Result<WebhookDeliveries>> {
    return settle(this.raw.GET('/api/v1/download/{request_id}/webhooks', { params: { path: { request_id: requestId } } }));
  }

  redeliver(requestId: string, all = false): Promise<Result<Redelivery>> {
    return settle(
      this.raw.POST('/api/v1/download/{request_id}/webhooks/redeliver', { params: { path: { request_id: requestId }, query: all ? { all: true } : {} } }),
    );
  }

  metadata(url: string, timeoutSec?: number): Promise<Result<MediaInfo>> {
    return settle(this.raw.GET('/api/v1/metadata', { params: { query: { url, ...(timeoutSec ? { timeout_sec: timeoutSec } : {}) } } }));
  }

  /** Fetches a stored file (its signed download_url, or a /files/ path with this client's key). */
  async download(downloadUrl: string): Promise<Result<Response>> {
    const url = new URL(downloadUrl, this.options.baseUrl);
    try {
      const res = await (this.options.fetch ?? fetch)(url, { headers: { 'X-API-Key': this.options.apiKey } });
      if (res.ok) return { ok: true, status: res.status, data: res };
      const body = (await res.json().catch(() => null)) as ApiErrorBody | null;
      return { ok: false, status: res.status, error: body?.error ? body : { error: { code: `http_${res.status}`, message: res.statusText } } };
    } catch (err) {
      return networkError(err);
    }
  }
}
