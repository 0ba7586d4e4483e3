import { isForbiddenAddress } from './address-policy';
import { Resolver, systemResolver } from './guarded-lookup';
import { NetError } from './net-error';
import { checkUrlSyntax } from './url-policy';

/**
 * For tools that dial by themselves (yt-dlp): checks the URL and every address its host resolves
 * to before handing it over. Weaker than the dial-time guard (the tool resolves again), so the
 * guarded client stays the first choice wherever we dial ourselves.
 */
export async function assertPublicUrl(url: string, allowPrivate: boolean, resolver: Resolver = systemResolver): Promise<void> {
  const syntax = checkUrlSyntax(url, allowPrivate);
  if (!syntax.ok) throw new NetError(syntax.code === 'forbidden_address' ? 'forbidden_address' : 'invalid_url', syntax.message);
  if (allowPrivate) return;
  const host = syntax.url.hostname.replace(/^\[|\]$/g, '');
  let addresses;
  try {
    addresses = await resolver(host, 0);
  } catch (err) {
    throw new NetError('dns_failure', `cannot resolve ${host}`, { cause: err });
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address).forbidden);
  if (bad) throw new NetError('forbidden_address', `${host} resolves to a private or reserved address`);
}
