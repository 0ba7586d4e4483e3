import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent before it closed the connection. */
  text: string;
  closedAfterMs: number;
}

/**
 * Opens one TCP connection to 127.0.0.1:`port` (from `localAddress`, any 127.x address), lets
 * `send` write raw bytes (and end its side), and resolves with what came back once the server
 * closes the connection: for requests no HTTP client will send (slow bodies, short bodies,
 * oversized headers) and for watching when a server closes an idle connection.
 */
export function rawHttpExchange(port: number, send: (write: (s: string) => void, end: () => void) => void, localAddress?: string): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const started = Date.now();
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    send(
      (s) => {
        if (socket.writable) socket.write(s);
      },
      () => socket.end(),
    );
  });
}

/** Status, lower-cased head and JSON body of the first response in a raw exchange. */
export function parseRawResponse(text: string): { status: number; head: string; body: any } {
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  const rest = text.slice(split + 4);
  let body: unknown = rest;
  try {
    body = JSON.parse(rest);
  } catch {
    /* not JSON */
  }
  return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), body };
}
