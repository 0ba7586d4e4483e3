import type { Job } from './client';

/** One server-sent event of GET /api/v1/events. `job` events carry a Job. */
export type StreamEvent = { event: 'job'; id?: string; data: Job } | { event: string; id?: string; data: unknown };

export interface SubscribeOptions {
  baseUrl: string;
  apiKey: string;
  lastEventId?: string;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  onEvent(event: StreamEvent): void;
}

export type SubscribeOutcome = { ok: true } | { ok: false; status: number; message: string };

/**
 * Reads the events stream with fetch (the key goes in the X-API-Key header, never in a URL) until
 * it ends or `signal` aborts. Resolves when the stream is over; `ok: false` when it could not open.
 */
export async function subscribeEvents(opts: SubscribeOptions): Promise<SubscribeOutcome> {
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${opts.baseUrl.replace(/\/+$/, '')}/api/v1/events`, {
      headers: { 'X-API-Key': opts.apiKey, Accept: 'text/event-stream', ...(opts.lastEventId ? { 'Last-Event-ID': opts.lastEventId } : {}) },
      signal: opts.signal,
    });
  } catch (err) {
    if (opts.signal?.aborted) return { ok: true };
    return { ok: false, status: 0, message: (err as Error).message };
  }
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    return { ok: false, status: res.status, message: body?.error?.message ?? res.statusText };
  }
  const parser = new SseParser(opts.onEvent);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } catch (err) {
    if (!opts.signal?.aborted) return { ok: false, status: 0, message: (err as Error).message };
  }
  return { ok: true };
}

/** text/event-stream framing: `field: value` lines, events end at a blank line, `:` lines are comments. */
export class SseParser {
  private buf = '';

  constructor(private readonly emit: (e: StreamEvent) => void) {}

  push(chunk: string): void {
    this.buf += chunk.replace(/\r\n?/g, '\n');
    let i: number;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      this.block(block);
    }
  }

  private block(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: handed on as text */
    }
    this.emit({ event, ...(id ? { id } : {}), data: parsed } as StreamEvent);
  }
}
