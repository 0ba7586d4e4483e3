import { STATUS_CODES, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpTimeouts } from '@mda/config';

/**
 * Puts the configured timeouts on a Node HTTP server (before it listens). `requestTimeout` and
 * `headersTimeout` cover receiving a request only, so long responses (SSE, file downloads) are
 * never cut by them; the idle timeout closes a socket on which nothing moves in either direction.
 */
export function applyHttpTimeouts(server: Server, t: HttpTimeouts): void {
  server.requestTimeout = t.requestTimeoutMs;
  server.headersTimeout = t.headersTimeoutMs;
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  server.setTimeout(t.idleTimeoutMs);
  // Node checks the request and headers deadlines on this interval (30 s by default), read when
  // the server starts listening: check often enough that a timeout means what it says
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(100, Math.min(1000, Math.floor(t.headersTimeoutMs / 4)));
}

/** A client error Node raised before any handler saw the request, as status and stable code. */
export function clientErrorStatus(err: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'The request (headers and body) was not received in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: 'The request headers are too large' };
    case 'HPE_INVALID_EOF_STATE':
      return { status: 400, code: 'bad_request', message: 'The connection ended before the whole request (body shorter than its Content-Length?)' };
    default:
      return { status: 400, code: 'bad_request', message: 'The request is not valid HTTP' };
  }
}

/**
 * The `clientError` handler of every server: answers in the API's error shape
 * `{ "error": { code, message } }` with `Connection: close`, then closes the socket. Like Node's
 * own handler, it writes nothing when a response to this socket has already begun.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket, extraHeaders: Record<string, string> = {}): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, code, message } = clientErrorStatus(err);
    const body = JSON.stringify({ error: { code, message } });
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
      ...extraHeaders,
    };
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
    socket.end(`${head}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}
