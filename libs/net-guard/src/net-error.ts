export type NetErrorCode =
  'invalid_url' | 'timeout' | 'connection_refused' | 'connection_reset' | 'dns_failure' | 'forbidden_address' | 'tls_error' | 'aborted' | 'network_error';

/** The one error type the guarded client throws; `code` is stable, `cause` keeps the original. */
export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetError';
  }
}

const BY_ERRNO: Record<string, NetErrorCode> = {
  EFORBIDDENADDRESS: 'forbidden_address',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ENOTFOUND: 'dns_failure',
  EAI_AGAIN: 'dns_failure',
  EAI_FAIL: 'dns_failure',
  EAI_NONAME: 'dns_failure',
  ENODATA: 'dns_failure',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/**
 * Maps anything thrown by undici/net/tls to a NetError. Pass the request's signal: when it fired,
 * the error is whatever reason it carried, so the signal says whether it was our deadline or the
 * caller. Also usable by stream consumers on errors raised while piping the body.
 */
export function toNetError(err: unknown, signal?: AbortSignal): NetError {
  if (err instanceof NetError) return err;
  const message = isErrorLike(err) ? String(err.message) : String(err);
  if (signal?.aborted) {
    return new NetError(isTimeout(signal.reason) ? 'timeout' : 'aborted', message, { cause: err });
  }
  return new NetError(classify(err), message, { cause: err });
}

function classify(err: unknown): NetErrorCode {
  // Walk the cause chain: undici and fetch-style errors wrap the socket error.
  for (let e = err, depth = 0; isErrorLike(e) && depth < 5; e = e.cause, depth++) {
    if (isTimeout(e)) return 'timeout';
    if (e.name === 'AbortError') return 'aborted';
    if (typeof e.code === 'string') {
      if (e.code in BY_ERRNO) return BY_ERRNO[e.code];
      if (TLS_CODE.test(e.code)) return 'tls_error';
    }
  }
  return 'network_error';
}

// Duck-typed rather than instanceof: DOMException and errors from other realms (Jest's vm, worker
// threads) are not instances of this realm's Error.
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

function isErrorLike(e: unknown): e is ErrorLike {
  return typeof e === 'object' && e !== null;
}

function isTimeout(e: unknown): boolean {
  return isErrorLike(e) && e.name === 'TimeoutError';
}
