import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Agent, Dispatcher, request as undiciRequest } from 'undici';
import { EgressPolicy } from './egress-policy';
import { createGuardedAgent } from './guarded-agent';
import { Resolver } from './guarded-lookup';
import { NetError, toNetError } from './net-error';
import { checkUrlSyntax } from './url-policy';

export interface GuardedHttpClientOptions {
  policy: EgressPolicy;
  connectTimeoutMs?: number;
  connections?: number;
  keepAliveTimeoutMs?: number;
  resolver?: Resolver;
}

export interface HttpRequest {
  method: Dispatcher.HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Uint8Array;
  /** Connect to last byte. */
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The server sent more than maxResponseBytes; the rest was discarded. */
  truncated: boolean;
  durationMs: number;
}

export interface StreamRequest {
  url: string;
  headers?: Record<string, string>;
  /** Connect to last byte, including the time the caller spends consuming the body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Redirect hops to follow, each re-checked like the first URL. Default 0: 3xx is returned. */
  followRedirects?: number;
}

export interface StreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** Unconsumed; errors raised while reading it can be classified with toNetError. */
  body: Dispatcher.ResponseData['body'];
  /** The URL that produced this response (after any redirects). */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Sent to the first origin only; a redirect elsewhere must not inherit them.
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The one outbound HTTP client (STYLE habit 5): every socket goes through the guarded agent, every
 * call has a deadline and never follows redirects implicitly. Errors are always NetError.
 */
export class GuardedHttpClient {
  private readonly agent: Agent;

  constructor(private readonly opts: GuardedHttpClientOptions) {
    this.agent = createGuardedAgent({
      policy: opts.policy,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      connections: opts.connections,
      keepAliveTimeoutMs: opts.keepAliveTimeoutMs,
      resolver: opts.resolver,
    });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.checkedUrl(req.url);
    const signal = deadline(req.timeoutMs, req.signal);
    const started = performance.now();
    try {
      const res = await undiciRequest(url, {
        dispatcher: this.agent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
      });
      const { body, truncated } = await readCapped(res.body, req.maxResponseBytes);
      return { statusCode: res.statusCode, headers: res.headers, body, truncated, durationMs: performance.now() - started };
    } catch (err) {
      throw toNetError(err, signal);
    }
  }

  async stream(req: StreamRequest): Promise<StreamResponse> {
    let url = this.checkedUrl(req.url);
    let headers = { ...req.headers };
    const signal = deadline(req.timeoutMs, req.signal);
    try {
      for (let hop = 0; ; hop++) {
        const res = await undiciRequest(url, { dispatcher: this.agent, method: 'GET', headers, signal });
        const location = res.headers.location;
        if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string' || hop >= (req.followRedirects ?? 0)) {
          return { statusCode: res.statusCode, headers: res.headers, body: res.body, url };
        }
        await res.body.dump();
        const next = this.checkedUrl(location, url);
        if (next.origin !== url.origin) headers = withoutOriginBound(headers);
        url = next;
      }
    } catch (err) {
      throw toNetError(err, signal);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private checkedUrl(raw: string, base?: URL): URL {
    let absolute = raw;
    if (base) {
      try {
        absolute = new URL(raw, base).href;
      } catch {
        throw new NetError('invalid_url', 'redirect Location is not a valid URL');
      }
    }
    const verdict = checkUrlSyntax(absolute, this.opts.policy);
    if (verdict.ok) return verdict.url;
    throw new NetError(verdict.code === 'forbidden_address' ? 'forbidden_address' : 'invalid_url', verdict.message);
  }
}

function deadline(timeoutMs: number, callerSignal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
}

async function readCapped(body: AsyncIterable<Buffer>, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      // Leaving the loop destroys the stream, so the rest is never buffered.
      return { body: Buffer.concat(chunks, max), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks, size), truncated: false };
}

function withoutOriginBound(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.has(name.toLowerCase())));
}
