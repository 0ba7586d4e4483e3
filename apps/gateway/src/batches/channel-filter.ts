import type { ListingEntry } from '@mda/contracts';

export const SORT_KEYS = ['upload_date', 'view_count', 'duration', 'title'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ChannelFilter {
  date_after?: string;
  date_before?: string;
  min_duration?: number;
  max_duration?: number;
  min_views?: number;
  max_views?: number;
  sort_by?: SortKey;
}

/**
 * Keeps entries inside every given bound (dates as YYYYMMDD, both ends included, like yt-dlp's
 * --dateafter/--datebefore; durations in seconds, views as counts). An entry that does not say its date or
 * duration cannot be shown to match a bound on it, so it is left out.
 */
export function filterEntries(entries: ListingEntry[], f: ChannelFilter): ListingEntry[] {
  return entries.filter((e) => {
    if (f.date_after && (!e.upload_date || e.upload_date < f.date_after)) return false;
    if (f.date_before && (!e.upload_date || e.upload_date > f.date_before)) return false;
    if (f.min_duration !== undefined && (e.duration === null || e.duration < f.min_duration)) return false;
    if (f.max_duration !== undefined && (e.duration === null || e.duration > f.max_duration)) return false;
    if (f.min_views !== undefined && (e.view_count == null || e.view_count < f.min_views)) return false;
    if (f.max_views !== undefined && (e.view_count == null || e.view_count > f.max_views)) return false;
    return true;
  });
}

/** Newest, most viewed and longest first; titles A→Z. Unknown values go last; ties keep channel order. */
export function sortEntries(entries: ListingEntry[], by: SortKey | undefined): ListingEntry[] {
  if (!by) return entries;
  const out = [...entries];
  const last = (v: unknown) => v === null || v === undefined;
  out.sort((a, b) => {
    const x = a[by] as string | number | null;
    const y = b[by] as string | number | null;
    if (last(x) || last(y)) return last(x) === last(y) ? a.index - b.index : last(x) ? 1 : -1;
    if (by === 'title') return String(x).localeCompare(String(y)) || a.index - b.index;
    return (x as number) < (y as number) ? 1 : (x as number) > (y as number) ? -1 : a.index - b.index;
  });
  return out;
}
