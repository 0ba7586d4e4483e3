import { ConfigError } from './env';
import { loadHttpTimeouts } from './http-timeouts';

describe('loadHttpTimeouts', () => {
  it('has defaults in milliseconds', () => {
    expect(loadHttpTimeouts({})).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 65_000, idleTimeoutMs: 120_000 });
  });

  it('reads each variable', () => {
    const t = loadHttpTimeouts({ HTTP_REQUEST_TIMEOUT_SEC: '5', HTTP_HEADERS_TIMEOUT_SEC: '2', HTTP_KEEP_ALIVE_TIMEOUT_SEC: '3', HTTP_IDLE_TIMEOUT_SEC: '60' });
    expect(t).toEqual({ requestTimeoutMs: 5000, headersTimeoutMs: 2000, keepAliveTimeoutMs: 3000, idleTimeoutMs: 60_000 });
  });

  it.each([
    [{ HTTP_REQUEST_TIMEOUT_SEC: '0' }, 'HTTP_REQUEST_TIMEOUT_SEC'],
    [{ HTTP_REQUEST_TIMEOUT_SEC: 'soon' }, 'HTTP_REQUEST_TIMEOUT_SEC'],
    [{ HTTP_REQUEST_TIMEOUT_SEC: '5', HTTP_HEADERS_TIMEOUT_SEC: '6' }, 'HTTP_HEADERS_TIMEOUT_SEC'],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_SEC: '0' }, 'HTTP_KEEP_ALIVE_TIMEOUT_SEC'],
    // below the 15 s SSE heartbeat, streams would be cut
    [{ HTTP_IDLE_TIMEOUT_SEC: '10' }, 'HTTP_IDLE_TIMEOUT_SEC'],
  ])('refuses %p naming %s', (env, variable) => {
    let thrown: unknown;
    try {
      loadHttpTimeouts(env);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
  });
});
