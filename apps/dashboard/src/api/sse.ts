export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Incremental text/event-stream parser (the WHATWG rules: fields, comments, multi-line data, CRLF). */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** The `retry:` the server asked for, in ms. */
  retryMs: number | null = null;

  push(chunk: string): SseMessage[] {
    this.buf += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buf.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buf.slice(0, nl);
      const sep = this.buf.startsWith('\r\n', nl) ? 2 : 1;
      // a lone \r at the end of a chunk may be the first half of \r\n: wait for more
      if (sep === 1 && this.buf[nl] === '\r' && nl === this.buf.length - 1) break;
      this.buf = this.buf.slice(nl + sep);
      if (line === '') {
        if (this.data.length) out.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
        this.data = [];
        this.event = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return out;
  }
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

export interface EventStreamOptions {
  key: string;
  url?: string;
  onMessage: (m: SseMessage) => void;
  onState: (s: StreamState) => void;
  fetchImpl?: typeof fetch;
  /** No bytes (not even a heartbeat) for this long: the connection is dead, reconnect. */
  idleMs?: number;
}

/**
 * Follows GET /api/v1/events with fetch() so the key travels in the X-API-Key header (EventSource
 * cannot send headers, and a key in the URL would end up in logs). Reconnects by itself with
 * Last-Event-ID, backing off up to 30 s; stops for good on 401. Returns the stop function.
 */
export function followEvents(opts: EventStreamOptions): () => void {
  const doFetch = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const idleMs = opts.idleMs ?? 45_000;
  let stopped = false;
  let lastEventId: string | undefined;
  let retryMs = 2000;
  let failures = 0;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      const ctrl = controller;
      let idle: ReturnType<typeof setTimeout> | undefined;
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => ctrl.abort(), idleMs);
      };
      opts.onState(failures === 0 && lastEventId === undefined ? 'connecting' : 'reconnecting');
      try {
        touch();
        const res = await doFetch(opts.url ?? '/api/v1/events', {
          headers: { 'X-API-Key': opts.key, Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
          signal: ctrl.signal,
          cache: 'no-store',
        });
        if (res.status === 401) {
          clearTimeout(idle);
          opts.onState('unauthorized');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`);
        const parser = new SseParser();
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let announced = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          touch();
          for (const m of parser.push(decoder.decode(value, { stream: true }))) {
            if (m.id) lastEventId = m.id;
            if (!announced) {
              announced = true;
              failures = 0;
              opts.onState('live');
            }
            opts.onMessage(m);
          }
          if (parser.retryMs !== null) retryMs = parser.retryMs;
        }
      } catch {
        // aborted, network gone, or the server went away: fall through to the reconnect
      } finally {
        clearTimeout(idle);
      }
      if (stopped) return;
      failures += 1;
      opts.onState('reconnecting');
      const wait = Math.min(30_000, retryMs * 2 ** Math.min(failures - 1, 4));
      await new Promise<void>((r) => (timer = setTimeout(r, wait)));
    }
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
}
