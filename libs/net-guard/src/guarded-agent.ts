import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { EgressPolicy } from './egress-policy';
import { ForbiddenAddressError } from './forbidden-address.error';
import { createGuardedLookup, Resolver } from './guarded-lookup';
import { bareHost } from './url-policy';

export interface GuardedAgentOptions {
  policy: EgressPolicy;
  connectTimeoutMs: number;
  connections?: number;
  keepAliveTimeoutMs?: number;
  /** Defaults to the system resolver; tests inject one to simulate DNS rebinding. */
  resolver?: Resolver;
}

/**
 * An undici Agent that checks the address of every socket it opens. Host names are checked by the
 * guarded lookup; IP literals never reach a lookup in net.connect, so they are checked here first.
 */
export function createGuardedAgent(opts: GuardedAgentOptions): Agent {
  const base = buildConnector({
    timeout: opts.connectTimeoutMs,
    lookup: createGuardedLookup(opts.policy, opts.resolver),
    // Node then asks the lookup for all addresses (every one checked) and tries both families.
    autoSelectFamily: true,
  });

  const connect: buildConnector.connector = (options, callback) => {
    const host = bareHost(options.hostname);
    if (isIP(host) !== 0) {
      const verdict = opts.policy.check(host);
      if (verdict.forbidden) {
        // Asynchronous like a real connect failure, so undici's bookkeeping sees the usual order.
        process.nextTick(() => callback(new ForbiddenAddressError(host, host, verdict.range), null));
        return;
      }
    }
    base(options, callback);
  };

  return new Agent({ connect, connections: opts.connections, keepAliveTimeout: opts.keepAliveTimeoutMs });
}
