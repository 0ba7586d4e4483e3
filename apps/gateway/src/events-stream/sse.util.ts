import type { StreamEvent } from './job-events.bus';

/** Server-sent event wire format (one event per call, ending with the blank line). */
export function sseEvent(e: { id?: string; event: string; data: unknown }): string {
  const lines: string[] = [];
  if (e.id) lines.push(`id: ${e.id}`);
  lines.push(`event: ${e.event}`);
  // JSON.stringify never emits a raw newline, so the data is always one line
  lines.push(`data: ${JSON.stringify(e.data)}`);
  return lines.join('\n') + '\n\n';
}

export const sseJob = (e: StreamEvent): string => sseEvent({ id: e.id, event: e.event, data: e.data });

/** A comment line: ignored by clients, keeps proxies and the client's idle timer from closing the stream. */
export const sseHeartbeat = (): string => `: heartbeat ${new Date().toISOString()}\n\n`;
