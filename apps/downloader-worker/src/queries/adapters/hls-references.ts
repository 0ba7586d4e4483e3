/**
 * Every URL an HLS playlist points at: segment and variant lines, and the URI="…" of tags
 * (EXT-X-KEY, EXT-X-MAP, EXT-X-MEDIA, …), resolved against the playlist's own URL.
 */
export function hlsReferences(text: string, base: string): string[] {
  const found: string[] = [];
  const add = (ref: string) => {
    try {
      found.push(new URL(ref, base).href);
    } catch {
      // not a URL: nothing to reach
    }
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) add(line);
    else for (const m of line.matchAll(/URI="([^"]*)"/g)) add(m[1]);
  }
  return found;
}
