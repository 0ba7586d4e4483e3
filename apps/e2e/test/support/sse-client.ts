export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/** A text/event-stream read as a browser's fetch() reader would: events as they arrive, and whether it ended. */
export interface SseClient {
  status: number;
  events: SseEvent[];
  ended: () => boolean;
  close: () => Promise<void>;
}

export async function openSse(url: string, apiKey: string, lastEventId?: string): Promise<SseClient> {
  const res = await fetch(url, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } });
  const events: SseEvent[] = [];
  let ended = false;
  if (!res.body) return { status: res.status, events, ended: () => true, close: async () => undefined };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e: Partial<SseEvent> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
        }
        if (e.event) events.push(e as SseEvent);
      }
    }
    ended = true;
  })();
  return { status: res.status, events, ended: () => ended, close: () => reader.cancel().catch(() => undefined) };
}
