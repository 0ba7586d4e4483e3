import { isIP } from 'node:net';
import {
  bareHost,
  checkUrlSyntax,
  EgressPolicy,
  EgressProxy,
  EgressRefusal,
  ForbiddenAddressError,
  GuardedHttpClient,
  assertPublicUrl,
  resolveChecked,
  Resolver,
  systemResolver,
} from '@mda/net-guard';
import { EGRESS_REFUSAL_REASONS, METRICS } from '@mda/contracts';
import { Logger, counterOf } from '@mda/observability';
import { Egress, EgressSession } from './egress';
import { proxiedCommand } from './tool-command';

const refused = counterOf(METRICS.egressRefused);
/** Bounded label values: ipaddr.js range names (the embedded IPv4 range for mapped forms), else "other". */
const REASONS = EGRESS_REFUSAL_REASONS;

export function refusalReason(range: string): string {
  const last = range.split(':').pop() ?? '';
  return (REASONS as readonly string[]).includes(last) ? last : 'other';
}

/** Egress through the worker's loopback proxy (libs/net-guard EgressProxy), one credential per session. */
export class ProxyEgress extends Egress {
  private constructor(
    private readonly proxy: EgressProxy,
    private readonly policy: EgressPolicy,
    private readonly resolver: Resolver,
    private readonly onRefused: (r: EgressRefusal, label: string) => void,
  ) {
    super();
  }

  static async start(policy: EgressPolicy, logger?: Logger, resolver?: Resolver): Promise<ProxyEgress> {
    const onRefused = (r: EgressRefusal, label: string) => {
      refused.inc({ reason: refusalReason(r.range) });
      logger?.warn({ event: 'egress.refused', for: label, host: r.host, address: r.address, range: r.range }, `${label} was refused ${r.host}`);
    };
    const proxy = await EgressProxy.start({ policy, resolver, onRefused });
    logger?.info({ event: 'egress.proxy', port: proxy.port, policy: policy.describe() }, 'egress proxy listening on loopback');
    return new ProxyEgress(proxy, policy, resolver ?? systemResolver, onRefused);
  }

  get port(): number {
    return this.proxy.port;
  }

  open(label: string): EgressSession {
    const session = this.proxy.openSession(label);
    const url = session.url;
    const token = new URL(url).username;
    const reported: EgressRefusal[] = [];
    return {
      checkUrls: async (urls) => {
        for (const r of await this.refusedAmong(urls)) {
          reported.push(r);
          this.onRefused(r, label);
        }
      },
      command: (tool, args) => proxiedCommand(tool, args, url),
      redact: (text) => text.split(token).join('***'),
      refusal: () => session.refusals()[0] ?? reported[0],
      close: () => session.close(),
    };
  }

  httpClient(opts: { connections: number }): GuardedHttpClient {
    return new GuardedHttpClient({ policy: this.policy, connections: opts.connections });
  }

  assertAllowed(url: string): Promise<void> {
    return assertPublicUrl(url, this.policy, this.resolver);
  }

  /** What the policy would refuse among `urls`: each host checked once, as the proxy would (syntax, then every address). */
  private async refusedAmong(urls: Iterable<string>): Promise<EgressRefusal[]> {
    const hosts = new Set<string>();
    for (const u of urls) {
      const verdict = checkUrlSyntax(u, this.policy);
      if (verdict.ok) hosts.add(bareHost(verdict.url.hostname));
      else if (verdict.code === 'forbidden_address') hosts.add(bareHost(new URL(u).hostname));
    }
    const found = await Promise.all(
      [...hosts].map(async (host) => {
        if (this.policy.allowPrivate) return undefined;
        if (isIP(host) !== 0) {
          const verdict = this.policy.check(host);
          return verdict.forbidden ? refusalOf(new ForbiddenAddressError(host, host, verdict.range)) : undefined;
        }
        if (host === 'localhost' || host.endsWith('.localhost')) return refusalOf(new ForbiddenAddressError(host, host, 'loopback'));
        try {
          await resolveChecked(host, 0, this.policy, this.resolver);
          return undefined;
        } catch (err) {
          // a name that does not resolve is not a refusal: the tool would fail on it anyway
          return err instanceof ForbiddenAddressError ? refusalOf(err) : undefined;
        }
      }),
    );
    return found.filter((r): r is EgressRefusal => r !== undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
  }

  close(): Promise<void> {
    return this.proxy.close();
  }
}

function refusalOf(err: ForbiddenAddressError): EgressRefusal {
  return { host: err.hostname, address: err.address, range: err.range ?? 'unknown', message: err.message };
}
