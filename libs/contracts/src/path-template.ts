/** A template that cannot be used, or a value that cannot fit it. Plain, so both the gateway and the worker can map it. */
export class PathTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathTemplateError';
  }
}

/** What a path template may refer to. */
export interface PathTemplateValues {
  id: string;
  title?: string | null;
  uploader?: string | null;
  ext: string;
  /** `YYYYMMDD` (yt-dlp's `upload_date`) or a Date (formatted in UTC). */
  date?: string | Date | null;
  /** The media's own publication date, `YYYYMMDD`; `nodate` when unknown (unlike `date`, never today). */
  upload_date?: string | null;
  /** The playlist or channel listing the job came from. */
  playlist?: string | null;
  /** 1-based position in that listing; padded to the width of `playlist_count`. */
  playlist_index?: number | null;
  playlist_count?: number | null;
  channel?: string | null;
  channel_id?: string | null;
  uploader_id?: string | null;
  width?: number | null;
  height?: number | null;
  /** The file is audio only: `{resolution}` is `audio`. */
  audio_only?: boolean;
  /** Seconds. */
  duration?: number | null;
}

export const PATH_TEMPLATE_PLACEHOLDERS = [
  'id',
  'title',
  'safe_title',
  'uploader',
  'ext',
  'date',
  'upload_date',
  'playlist',
  'playlist_index',
  'channel',
  'channel_id',
  'uploader_id',
  'resolution',
  'duration',
] as const;
type Placeholder = (typeof PATH_TEMPLATE_PLACEHOLDERS)[number];

/**
 * Named layouts a `path_template` may be instead of a template. `jellyfin` (also `plex`, `kodi`):
 * one folder per channel, `Title [id].ext` inside, so the sidecars (`Title [id].en.vtt`,
 * `Title [id].jpg`, `Title [id].nfo`) sit beside the media under the same base name, as those
 * servers look for them.
 */
export const PATH_TEMPLATE_PRESETS: Readonly<Record<string, string>> = {
  jellyfin: '{channel}/{title} [{id}].{ext}',
  plex: '{channel}/{title} [{id}].{ext}',
  kodi: '{channel}/{title} [{id}].{ext}',
};

/** The template a `path_template` value stands for: a preset's, or the value itself. */
export function resolvePathTemplate(template: string): string {
  return Object.prototype.hasOwnProperty.call(PATH_TEMPLATE_PRESETS, template) ? PATH_TEMPLATE_PRESETS[template] : template;
}

/** Most file systems allow 255 bytes per name; 199 leaves room for `.part` and similar suffixes. */
const MAX_SEGMENT_BYTES = 199;
/** Values that can be cut to make a segment fit; ids, dates and extensions are kept whole. */
const SHRINKABLE: ReadonlySet<Placeholder> = new Set(['title', 'safe_title', 'uploader', 'playlist', 'channel', 'channel_id', 'uploader_id']);
const PLACEHOLDER = /\{([^{}]*)\}/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Control and format characters (bidi overrides can make `gpj.exe` read as `exe.jpg`), line separators.
const UNSAFE_IN_VALUE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Why the template is unusable, or null when it is fine. Shared with the gateway's submit-time check. */
export function validatePathTemplate(value: string): string | null {
  if (value.trim() === '') return 'path_template must not be empty';
  const template = resolvePathTemplate(value);
  if (template.length > 500) return 'path_template must be at most 500 characters';
  if (CONTROL.test(template)) return 'path_template must not contain control characters';
  if (template.includes('\\')) return 'path_template must not contain backslashes';
  if (template.startsWith('/') || /^[A-Za-z]:/.test(template)) return 'path_template must be a relative path';
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(PATH_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(match[1])) {
      return `path_template has an unknown placeholder {${match[1]}}; allowed: ${PATH_TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
    }
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) return 'path_template has an unbalanced { or }';
  for (const segment of template.split('/')) {
    if (segment === '') return 'path_template must not contain empty path segments';
    if (segment === '..' || segment === '.') return `path_template must not contain '${segment}' segments`;
    if (segment.startsWith('.')) return 'path_template segments must not start with a dot';
    if (byteLength(segment.replace(PLACEHOLDER, '')) > MAX_SEGMENT_BYTES) {
      return `path_template segments must be under ${MAX_SEGMENT_BYTES + 1} bytes`;
    }
  }
  return null;
}

/**
 * Expands a validated template into a relative path (`/`-separated). Every value is sanitised,
 * so no value can add a segment or hide a file; titles are cut so each segment stays under 200 bytes.
 */
export function expandPathTemplate(value: string, values: PathTemplateValues): string {
  const problem = validatePathTemplate(value);
  if (problem) throw new PathTemplateError(problem);
  const template = resolvePathTemplate(value);
  const full = template.includes('{ext}') ? template : `${template}.{ext}`;
  const sanitised = sanitiseValues(values);
  return full
    .split('/')
    .map((segment) => expandSegment(segment, sanitised))
    .join('/');
}

function expandSegment(segment: string, values: Record<Placeholder, string>): string {
  const local = { ...values };
  const render = () => segment.replace(PLACEHOLDER, (_, name: string) => local[name as Placeholder]);
  let result = render();
  for (let overflow = byteLength(result) - MAX_SEGMENT_BYTES; overflow > 0; overflow = byteLength(result) - MAX_SEGMENT_BYTES) {
    const used = [...segment.matchAll(PLACEHOLDER)].map((m) => m[1] as Placeholder).filter((p) => SHRINKABLE.has(p));
    const longest = used.sort((a, b) => byteLength(local[b]) - byteLength(local[a]))[0];
    if (!longest || local[longest] === '') {
      throw new PathTemplateError(`path segment "${segment}" is too long even with an empty title`);
    }
    // A value used n times shrinks the segment n times per byte cut.
    const uses = used.filter((p) => p === longest).length;
    local[longest] = cutToBytes(local[longest], byteLength(local[longest]) - Math.ceil(overflow / uses));
    result = render();
  }
  return result;
}

function sanitiseValues(values: PathTemplateValues): Record<Placeholder, string> {
  const title = values.title ?? '';
  return {
    id: sanitise(values.id, 'unknown', 100),
    title: sanitise(title, 'untitled'),
    safe_title: safeTitle(title),
    uploader: sanitise(values.uploader ?? '', 'unknown'),
    ext:
      (values.ext ?? '')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 10) || 'bin',
    date: formatDate(values.date),
    upload_date: formatDate(values.upload_date),
    playlist: sanitise(values.playlist ?? '', 'unknown'),
    playlist_index: formatIndex(values.playlist_index, values.playlist_count),
    channel: sanitise(values.channel ?? '', 'unknown'),
    channel_id: sanitise(values.channel_id ?? '', 'unknown', 100),
    uploader_id: sanitise(values.uploader_id ?? '', 'unknown', 100),
    resolution: values.audio_only ? 'audio' : values.width && values.height ? `${Math.round(values.width)}x${Math.round(values.height)}` : 'unknown',
    duration: typeof values.duration === 'number' && Number.isFinite(values.duration) && values.duration >= 0 ? String(Math.round(values.duration)) : 'NA',
  };
}

/** Zero-padded to the width of the count (as yt-dlp does), at least two digits; `NA` outside a listing. */
function formatIndex(index: number | null | undefined, count: number | null | undefined): string {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 1) return 'NA';
  const width = Math.max(2, String(Math.max(count ?? 0, index)).length);
  return String(index).padStart(width, '0');
}

/** Keeps the value readable (unicode stays) but makes it one harmless path segment. */
function sanitise(value: string, fallback: string, maxBytes = MAX_SEGMENT_BYTES): string {
  const cleaned = value
    .normalize('NFC')
    .replace(UNSAFE_IN_VALUE, '')
    .replace(/[/\\]/g, '_')
    .replace(/^[\s.]+/, '')
    .trim();
  return cutToBytes(cleaned, maxBytes) || fallback;
}

/** ASCII letters, digits, `.`, `-` and `_` only: for clients that cannot cope with anything else. */
function safeTitle(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._-]+|[_-]+$/g, '');
  return ascii.slice(0, MAX_SEGMENT_BYTES) || 'untitled';
}

function formatDate(date: PathTemplateValues['date']): string {
  if (date instanceof Date && !Number.isNaN(date.getTime())) return date.toISOString().slice(0, 10).replace(/-/g, '');
  if (typeof date === 'string' && /^\d{8}$/.test(date)) return date;
  return 'nodate';
}

function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Cuts at a code point boundary so no character is split, then drops trailing spaces and dots. */
function cutToBytes(value: string, maxBytes: number): string {
  if (byteLength(value) <= maxBytes) return value;
  let out = '';
  let used = 0;
  for (const char of value) {
    const size = byteLength(char);
    if (used + size > maxBytes) break;
    out += char;
    used += size;
  }
  return out.replace(/[\s.]+$/, '');
}
