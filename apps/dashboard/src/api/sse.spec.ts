import { describe, expect, it } from 'vitest';
import { SseParser, StreamState, followEvents } from './sse';

describe('SseParser', () => {
  it('parses events split across chunks, with ids, comments, CRLF and multi-line data', () => {
    const p = new SseParser();
    expect(p.push('retry: 3000\n\nid: ab-1\nevent: job\nda')).toEqual([]);
    expect(p.retryMs).toBe(3000);
    expect(p.push('ta: {"a":1}\n\n: heartbeat\n\n')).toEqual([{ id: 'ab-1', event: 'job', data: '{"a":1}' }]);
    expect(p.push('data: one\r\ndata: two\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ id: 'ab-1', event: 'message', data: 'one\ntwo' }]);
  });
});

function streamResponse(chunks: string[], hold = false): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      if (!hold) c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('followEvents', () => {
  it('sends the key as a header, never in the URL, and resumes with Last-Event-ID after a drop', async () => {
    const calls: Array<{ url: string; headers: Record<string, string> }> = [];
    const answers = [
      streamResponse(['retry: 1\n\n', 'event: hello\ndata: {"resumed":false}\n\n', 'id: e-7\nevent: job\ndata: {"request_id":"req_1"}\n\n']),
      streamResponse(['event: hello\ndata: {"resumed":true}\n\n'], true),
    ];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string> });
      return answers.shift() ?? streamResponse([], true);
    }) as unknown as typeof fetch;
    const got: string[] = [];
    const states: StreamState[] = [];
    const stop = followEvents({ key: 'secret-key', fetchImpl, onMessage: (m) => got.push(`${m.event}:${m.data}`), onState: (s) => states.push(s) });
    await until(() => calls.length === 2 && got.length === 3);
    stop();
    expect(calls[0].url).toBe('/api/v1/events');
    expect(calls.every((c) => !c.url.includes('secret-key'))).toBe(true);
    expect(calls[0].headers['X-API-Key']).toBe('secret-key');
    expect(calls[0].headers['Last-Event-ID']).toBeUndefined();
    expect(calls[1].headers['Last-Event-ID']).toBe('e-7');
    expect(got).toEqual(['hello:{"resumed":false}', 'job:{"request_id":"req_1"}', 'hello:{"resumed":true}']);
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live']);
  });

  it('stops for good when the key is rejected', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls += 1;
      return new Response('{"error":{"code":"unauthorized"}}', { status: 401 });
    }) as unknown as typeof fetch;
    const states: StreamState[] = [];
    followEvents({ key: 'bad', fetchImpl, onMessage: () => undefined, onState: (s) => states.push(s) });
    await until(() => states.includes('unauthorized'));
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
  });
});
