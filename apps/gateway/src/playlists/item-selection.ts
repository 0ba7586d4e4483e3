import type { ListingEntry } from '@mda/contracts';

export class ItemSelectionError extends Error {}

const ITEMS = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** `1-10,15` → the 1-based positions it names (yt-dlp's --playlist-items syntax, positive only). */
export function parseItems(spec: string, maxItems = 5000): Set<number> {
  const s = spec.replace(/\s+/g, '');
  if (!ITEMS.test(s)) throw new ItemSelectionError('items must look like "1-10,15" (positions from 1, ranges with -)');
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const [a, b] = part.split('-').map(Number);
    const end = b ?? a;
    if (a < 1 || end < a) throw new ItemSelectionError(`items: "${part}" is not a range of positions from 1`);
    if (end - a + 1 + out.size > maxItems) throw new ItemSelectionError(`items: at most ${maxItems} positions`);
    for (let i = a; i <= end; i++) out.add(i);
  }
  return out;
}

export interface Selection {
  items?: string;
  start?: number;
  end?: number;
  reverse?: boolean;
}

/** Entries picked by items, start and end (positions in the playlist, from 1), reversed if asked. */
export function selectEntries(entries: ListingEntry[], sel: Selection): ListingEntry[] {
  if (sel.start !== undefined && sel.end !== undefined && sel.end < sel.start) throw new ItemSelectionError('end must not be before start');
  const items = sel.items ? parseItems(sel.items) : undefined;
  const picked = entries.filter(
    (e) => (!items || items.has(e.index)) && (sel.start === undefined || e.index >= sel.start) && (sel.end === undefined || e.index <= sel.end),
  );
  return sel.reverse ? picked.reverse() : picked;
}
