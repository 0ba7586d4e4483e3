/**
 * The first `%` in a URL's path or query that is not followed by two hex digits. Such a URL
 * parses, but yt-dlp fails on it only after the whole file was downloaded, so it is refused at
 * submit. The fragment is not sent anywhere and is not checked.
 */
export function findBrokenPercentEscape(raw: string): { part: 'path' | 'query'; escape: string } | undefined {
  const hash = raw.indexOf('#');
  const sent = hash === -1 ? raw : raw.slice(0, hash);
  const m = /%(?![0-9a-fA-F]{2})/.exec(sent);
  if (!m) return undefined;
  const query = sent.indexOf('?');
  return { part: query !== -1 && m.index > query ? 'query' : 'path', escape: sent.slice(m.index, m.index + 3) };
}
