import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { assertPublicUrl, bareHost, checkUrlSyntax, NetError, Resolver, systemResolver } from '@mda/net-guard';
import { ApiError } from '../common/api-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { findBrokenPercentEscape } from './percent-escapes';

/** How to allow a refused address: part of every forbidden_address answer. */
export const FORBIDDEN_ADDRESS_HINT =
  'If this host is meant to be reachable, add its address range to NETWORK_ALLOWLIST (CIDR, e.g. 10.1.2.0/24) or set ALLOW_PRIVATE_NETWORKS=true (trusted networks only).';

/** Injectable so tests can simulate DNS answers; the system resolver otherwise. */
export const URL_POLICY_RESOLVER = Symbol('URL_POLICY_RESOLVER');

const VERDICT_TTL_MS = 30_000;
const MAX_CACHED_HOSTS = 1000;
/** A lookup slower than this lets the URL through: the worker checks again when it dials. */
const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * Submit-time URL checks. `assertAllowed`: syntax, scheme, credentials, private literals.
 * `assertReachable`: also resolves the host and refuses it when any address is outside the egress
 * policy, before a worker is asked. Neither is the last word: names can rebind, so the worker's
 * egress proxy and the sender's guarded agent check again when they dial.
 */
@Injectable()
export class UrlPolicy {
  private readonly verdicts = new Map<string, { at: number; refusal: string | null }>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly clock: Clock,
    @Optional() @Inject(URL_POLICY_RESOLVER) private readonly resolver: Resolver = systemResolver,
  ) {}

  assertAllowed(url: string, field: string): void {
    const r = checkUrlSyntax(url, this.config.egressPolicy);
    if (r.ok) return this.assertEscapes(url, field);
    if (r.code === 'forbidden_address') throw forbidden(field, r.message);
    throw new ApiError('invalid_url', `${field}: ${r.message}`, [{ field, message: r.message }]);
  }

  /** `assertAllowed`, then the DNS check, for URLs a worker is going to fetch. */
  async assertReachable(url: string, field: string): Promise<void> {
    await this.assertAllReachable([{ url, field }]);
  }

  /** Each distinct host is resolved once, in parallel; the first refused one answers. */
  async assertAllReachable(items: ReadonlyArray<{ url: string; field: string }>): Promise<void> {
    for (const { url, field } of items) this.assertAllowed(url, field);
    if (this.config.egressPolicy.allowPrivate) return;
    const byHost = new Map<string, { url: string; field: string }>();
    for (const item of items) {
      const host = bareHost(new URL(item.url).hostname);
      if (!byHost.has(host)) byHost.set(host, item);
    }
    const refusals = await Promise.all([...byHost].map(async ([host, item]) => ({ item, refusal: await this.refusalFor(host, item.url) })));
    const refused = refusals.find((r) => r.refusal !== null);
    if (refused) throw forbidden(refused.item.field, refused.refusal as string);
  }

  private async refusalFor(host: string, url: string): Promise<string | null> {
    const now = this.clock.nowMs();
    const cached = this.verdicts.get(host);
    if (cached && now - cached.at < VERDICT_TTL_MS) return cached.refusal;
    let refusal: string | null = null;
    try {
      await withTimeout(assertPublicUrl(url, this.config.egressPolicy, this.resolver), LOOKUP_TIMEOUT_MS);
    } catch (err) {
      // a name that does not resolve (or not in time) is the worker's to report; only a refusal stops here
      if (err instanceof NetError && err.code === 'forbidden_address') refusal = err.message;
      else return null;
    }
    if (this.verdicts.size >= MAX_CACHED_HOSTS) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(host, { at: now, refusal });
    return refusal;
  }

  private assertEscapes(url: string, field: string): void {
    const broken = findBrokenPercentEscape(url);
    if (!broken) return;
    const message = `the ${broken.part} has a broken percent-escape "${broken.escape}": % must be followed by two hex digits (write a literal % as %25)`;
    throw new ApiError('invalid_url', `${field}: ${message}`, [{ field, message }]);
  }
}

function forbidden(field: string, reason: string): ApiError {
  const message = `${field}: ${reason}. ${FORBIDDEN_ADDRESS_HINT}`;
  return new ApiError('forbidden_address', message, [{ field, message: reason }]);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('lookup timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
