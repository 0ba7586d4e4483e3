export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  durationMs: number;
}

/** A failed attempt that never got a response; `code` is the net-guard error class. */
export class WebhookNetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly durationMs: number,
  ) {
    super(message);
  }
}

/** POSTs one webhook attempt. Never follows redirects; bounded in time and response size. */
export abstract class WebhookClient {
  abstract post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookResponse>;
}
