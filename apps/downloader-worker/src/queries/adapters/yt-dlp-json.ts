import type { ListingEntry, ListingResult, MetadataResult } from '@mda/contracts';

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** yt-dlp's `upload_date`, or one made from a Unix `timestamp` (feeds give only that). */
function uploadDate(j: Json): string | null {
  const d = str(j['upload_date']);
  if (d && /^\d{8}$/.test(d)) return d;
  const ts = num(j['timestamp']);
  return ts === null ? null : new Date(ts * 1000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** `yt-dlp -J` of one media → our metadata answer. */
export function toMetadataResult(j: Json): MetadataResult {
  const formats = Array.isArray(j['formats']) ? (j['formats'] as Json[]) : [];
  return {
    subtitles: languages(j['subtitles']),
    automatic_captions: languages(j['automatic_captions']),
    title: str(j['title']),
    uploader: str(j['uploader']) ?? str(j['channel']),
    duration: num(j['duration']),
    thumbnail: str(j['thumbnail']),
    extractor: str(j['extractor']),
    webpage_url: str(j['webpage_url']),
    upload_date: uploadDate(j),
    formats: formats.map((f) => {
      const audioOnly = isAudioOnly(f);
      return {
        format_id: String(f['format_id'] ?? ''),
        ext: str(f['ext']),
        width: audioOnly ? null : num(f['width']),
        height: audioOnly ? null : num(f['height']),
        fps: num(f['fps']),
        vcodec: str(f['vcodec']),
        acodec: str(f['acodec']),
        filesize: num(f['filesize']) ?? num(f['filesize_approx']),
        tbr: num(f['tbr']),
        format_note: str(f['format_note']),
        resolution: audioOnly ? 'audio only' : str(f['resolution']),
      };
    }),
  };
}

/** A rendition without video: yt-dlp says `vcodec: none` or `resolution: audio only` (an HLS audio group). */
export function isAudioOnly(f: { vcodec?: unknown; resolution?: unknown }): boolean {
  return f.vcodec === 'none' || f.resolution === 'audio only';
}

/** The language codes of yt-dlp's `subtitles` / `automatic_captions` (`{ en: [...], de: [...] }`). */
function languages(v: unknown): string[] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v as Json)
    .filter(([lang, tracks]) => lang !== 'live_chat' && Array.isArray(tracks) && tracks.length > 0)
    .map(([lang]) => lang)
    .sort();
}

const SMUGGLE = /#__youtubedl_smuggle=.*$/;

/** The entry's real URL: yt-dlp smuggles data after a fragment that no client should see. */
function entryUrlAndId(e: Json): { url: string; id: string | null } {
  const raw = str(e['url']) ?? str(e['webpage_url']) ?? '';
  let id = str(e['id']);
  const m = /#__youtubedl_smuggle=(.*)$/.exec(raw);
  if (m && !id) {
    try {
      id = str((JSON.parse(decodeURIComponent(m[1].replace(/\+/g, ' '))) as Json)['force_videoid']);
    } catch {
      /* no smuggled id */
    }
  }
  return { url: raw.replace(SMUGGLE, ''), id };
}

/** `yt-dlp --flat-playlist -J` → our listing; a single media (no entries) is a listing of one. */
export function toListingResult(j: Json, maxEntries: number): ListingResult {
  const entries = Array.isArray(j['entries']) ? (j['entries'] as Json[]) : [j];
  const list: ListingEntry[] = entries.slice(0, maxEntries).map((e, i) => {
    const { url, id } = entryUrlAndId(e);
    return {
      index: num(e['playlist_index']) ?? i + 1,
      id,
      title: str(e['title']),
      url: url || str(j['webpage_url']) || '',
      duration: num(e['duration']),
      upload_date: uploadDate(e),
      view_count: num(e['view_count']),
      uploader: str(e['uploader']) ?? str(e['channel']),
      thumbnail: str(e['thumbnail']) ?? (Array.isArray(e['thumbnails']) ? str((e['thumbnails'] as Json[])[0]?.['url']) : null),
    };
  });
  return { title: str(j['title']), uploader: str(j['uploader']) ?? str(j['channel']), entries: list };
}
