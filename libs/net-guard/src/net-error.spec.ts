import { NetError, toNetError } from './net-error';

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('toNetError', () => {
  it.each([
    [errno('EFORBIDDENADDRESS'), 'forbidden_address'],
    [errno('ECONNREFUSED'), 'connection_refused'],
    [errno('ECONNRESET'), 'connection_reset'],
    [errno('UND_ERR_SOCKET'), 'connection_reset'],
    [errno('ENOTFOUND'), 'dns_failure'],
    [errno('EAI_AGAIN'), 'dns_failure'],
    [errno('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    [errno('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [new DOMException('timed out', 'TimeoutError'), 'timeout'],
    [new DOMException('stopped', 'AbortError'), 'aborted'],
    [errno('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls_error'],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls_error'],
    [errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls_error'],
    [new Error('fetch failed', { cause: errno('ECONNREFUSED') }), 'connection_refused'],
    [errno('EHOSTUNREACH'), 'network_error'],
    ['a string', 'network_error'],
  ])('classifies %p as %s', (err, code) => {
    const result = toNetError(err);
    expect(result).toBeInstanceOf(NetError);
    expect(result.code).toBe(code);
    expect(result.cause).toBe(err);
  });

  it('lets the request signal decide between our deadline and the caller aborting', () => {
    const timedOut = AbortSignal.abort(new DOMException('deadline', 'TimeoutError'));
    const cancelled = AbortSignal.abort(new Error('shutting down'));
    expect(toNetError(new Error('shutting down'), cancelled).code).toBe('aborted');
    expect(toNetError(errno('UND_ERR_ABORTED'), timedOut).code).toBe('timeout');
  });

  it('returns a NetError unchanged', () => {
    const original = new NetError('invalid_url', 'bad');
    expect(toNetError(original)).toBe(original);
  });
});
