import { ConfigError, Env, int } from './env';

/** Timeouts of every HTTP server the apps run (gateway API, worker and sender ops port), in ms. */
export interface HttpTimeouts {
  /** Receiving the whole request, headers and body (Node `server.requestTimeout`); never the response. */
  requestTimeoutMs: number;
  /** Receiving the request headers (Node `server.headersTimeout`). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection between two requests (Node `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** A socket with no bytes read or written (Node `server.setTimeout`); SSE heartbeats every 15 s keep streams above it. */
  idleTimeoutMs: number;
}

export function loadHttpTimeouts(env: Env = process.env): HttpTimeouts {
  const request = int(env, 'HTTP_REQUEST_TIMEOUT_SEC', { default: 30, min: 1, max: 3600 });
  const headers = int(env, 'HTTP_HEADERS_TIMEOUT_SEC', { default: 10, min: 1, max: 3600 });
  // Node refuses a headers timeout longer than the request timeout; say so at start instead
  if (headers > request) throw new ConfigError('HTTP_HEADERS_TIMEOUT_SEC', `must not exceed HTTP_REQUEST_TIMEOUT_SEC (${headers} > ${request})`);
  return {
    requestTimeoutMs: request * 1000,
    headersTimeoutMs: headers * 1000,
    keepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SEC', { default: 65, min: 1, max: 3600 }) * 1000,
    // at least 20 s: the gateway's SSE streams send a heartbeat every 15 s and must outlive it
    idleTimeoutMs: int(env, 'HTTP_IDLE_TIMEOUT_SEC', { default: 120, min: 20, max: 3600 }) * 1000,
  };
}
