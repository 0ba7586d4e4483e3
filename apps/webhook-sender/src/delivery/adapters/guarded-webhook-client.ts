import { performance } from 'node:perf_hooks';
import { GuardedHttpClient, NetError } from '@mda/net-guard';
import { WebhookClient, WebhookNetworkError, WebhookResponse } from '../ports/webhook-client';

const MAX_RESPONSE_BYTES = 1024;

/** WebhookClient over the private-network-guarded undici client (keep-alive, no redirects). */
export class GuardedWebhookClient extends WebhookClient {
  constructor(private readonly http: GuardedHttpClient) {
    super();
  }

  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookResponse> {
    const started = performance.now();
    try {
      const r = await this.http.request({ method: 'POST', url, headers, body, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
      return { statusCode: r.statusCode, headers: r.headers, body: r.body.toString('utf8'), durationMs: r.durationMs };
    } catch (err) {
      const code = err instanceof NetError ? err.code : 'network_error';
      throw new WebhookNetworkError(code, (err as Error).message, performance.now() - started);
    }
  }
}
