import { EgressPolicy } from './egress-policy';
import { ForbiddenAddressError } from './forbidden-address.error';
import { Resolver, resolveChecked, systemResolver } from './guarded-lookup';
import { NetError } from './net-error';
import { bareHost, checkUrlSyntax } from './url-policy';

/**
 * For tools that dial by themselves (yt-dlp) and for the gateway before it asks a worker: checks
 * the URL and every address its host resolves to. Weaker than the dial-time guard (the tool
 * resolves again), so the worker's egress proxy and the guarded client still check when dialling.
 */
export async function assertPublicUrl(url: string, policy: EgressPolicy, resolver: Resolver = systemResolver): Promise<void> {
  const syntax = checkUrlSyntax(url, policy);
  if (!syntax.ok) throw new NetError(syntax.code === 'forbidden_address' ? 'forbidden_address' : 'invalid_url', syntax.message);
  if (policy.allowPrivate) return;
  const host = bareHost(syntax.url.hostname);
  try {
    await resolveChecked(host, 0, policy, resolver);
  } catch (err) {
    if (err instanceof ForbiddenAddressError) throw new NetError('forbidden_address', err.message, { cause: err });
    throw new NetError('dns_failure', `cannot resolve ${host}`, { cause: err });
  }
}
