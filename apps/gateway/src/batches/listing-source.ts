import type { JobSource, ListingEntry } from '@mda/contracts';

/**
 * What a playlist or channel child keeps of its listing: the feed's title, the item's own title,
 * date and position (as listed, 1-based), so `{playlist}`, `{playlist_index}`, `{upload_date}`
 * and `{channel}` name the file even when the item's URL is a bare enclosure.
 */
export function listingSource(
  kind: JobSource['kind'],
  list: { title: string | null; uploader: string | null; entries: readonly ListingEntry[] },
  entry: ListingEntry,
): JobSource {
  return {
    kind,
    playlist: cut(list.title, 500),
    playlist_index: entry.index,
    playlist_count: Math.max(entry.index, list.entries.length),
    title: cut(entry.title, 1000),
    channel: cut(entry.uploader ?? list.uploader ?? (kind === 'channel' ? list.title : null), 500),
    upload_date: entry.upload_date && /^\d{8}$/.test(entry.upload_date) ? entry.upload_date : null,
  };
}

function cut(value: string | null | undefined, max: number): string | null {
  return value ? value.slice(0, max) : null;
}
