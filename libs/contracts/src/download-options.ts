/**
 * The download options: each one defined once, here. From this catalogue come the job message's
 * zod schema (`downloadOptionsSchema`, what the worker reads as `DownloadOptions`), the gateway's
 * request validation with its error messages, and the OpenAPI document (hence the generated
 * client and dashboard types).
 *
 * To add a download option: add its entry here; the worker reads it from DownloadOptions; add its
 * test. Nothing else is written twice.
 *
 * An entry says what both sides need: its kind, the request's bounds and exact error messages
 * (class-validator's own where none is given), the message schema's where they differ (`job`),
 * and what the document shows (default, description, example, deprecated). Order is the document's.
 * Patterns are request checks only: the message schema bounds lengths and values, not spelling.
 * A job field has a default when the entry has one (`job.default` first): otherwise it is nullish.
 */

export const QUALITIES = ['best', '2160p', '4k', '1440p', '1080p', '720p', '480p', '360p', '240p', '144p', 'audio'] as const;
export const VIDEO_FORMATS = ['mp4', 'mkv', 'webm'] as const;
export const AUDIO_FORMATS = ['mp3', 'm4a', 'opus', 'flac', 'wav'] as const;
export const SUBTITLE_FORMATS = ['srt', 'vtt', 'ass', 'lrc'] as const;
export type Quality = (typeof QUALITIES)[number];
export type VideoFormat = (typeof VIDEO_FORMATS)[number];
export type AudioFormat = (typeof AUDIO_FORMATS)[number];
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];
/** Audio bitrate bounds (kbps) of `audio_quality`, as the original service had them. */
export const AUDIO_QUALITY_KBPS = { min: 96, max: 320 } as const;

/** What the OpenAPI document shows of an option, whatever its kind. */
interface OptionDoc {
  description?: string;
  example?: unknown;
  deprecated?: boolean;
  /**
   * Accepted and documented in requests but never a field of the job message: the gateway maps it
   * onto the options (the original service's names, kept as deprecated aliases).
   */
  requestOnly?: true;
}

/** A request check with its own error message. */
export interface OptionPattern {
  regex: RegExp;
  message: string;
}

export interface EnumOption extends OptionDoc {
  kind: 'enum';
  values: readonly [string, ...string[]];
  default?: string;
  /** The error when the value is not one of `values`. */
  message: string;
}

export interface BooleanOption extends OptionDoc {
  kind: 'boolean';
  default?: boolean;
  job?: { default?: boolean };
}

export interface NumberOption extends OptionDoc {
  /** `int`: whole numbers only. Both convert numeric strings (query-style values). */
  kind: 'int' | 'number';
  min: number;
  max: number;
  default?: number;
  /** `invalid`: when it is not a (whole) number; `range`: when it is outside min..max. */
  messages?: { invalid?: string; range?: string };
  /** The message schema's bounds where they differ: `exclusiveMin` is "more than". */
  job?: { min?: number; exclusiveMin?: number };
}

export interface StringOption extends OptionDoc {
  kind: 'string';
  maxLength: number;
  pattern?: OptionPattern;
}

export interface StringListOption extends OptionDoc {
  kind: 'string_list';
  maxItems: number;
  itemMaxLength: number;
  itemPattern?: OptionPattern;
}

export type DownloadOptionSpec = EnumOption | BooleanOption | NumberOption | StringOption | StringListOption;
export type DownloadOptionCatalogue = Readonly<Record<string, DownloadOptionSpec>>;

const AUDIO_QUALITY_MESSAGE = `audio_quality must be a bitrate in kbps from ${AUDIO_QUALITY_KBPS.min} to ${AUDIO_QUALITY_KBPS.max}`;

export const DOWNLOAD_OPTIONS = {
  quality: { kind: 'enum', values: QUALITIES, default: 'best', example: '1080p', message: `quality must be one of ${QUALITIES.join(', ')}` },
  video_format: { kind: 'enum', values: VIDEO_FORMATS, default: 'mp4', message: `video_format must be one of ${VIDEO_FORMATS.join(', ')}` },
  audio_format: {
    kind: 'enum',
    values: AUDIO_FORMATS,
    default: 'mp3',
    description: 'Used when quality is audio',
    message: `audio_format must be one of ${AUDIO_FORMATS.join(', ')}`,
  },
  custom_format: {
    kind: 'string',
    maxLength: 500,
    pattern: { regex: /^[^-\s][\x20-\x7e]*$/, message: 'custom_format must be a yt-dlp format selector (printable, not starting with "-")' },
    example: 'bestvideo[height<=720]+bestaudio/best',
    description: 'A yt-dlp format selector (overrides quality)',
  },
  path_template: {
    kind: 'string',
    maxLength: 500,
    example: '{channel}/{upload_date} {title} [{id}].{ext}',
    description:
      'Where the file goes under the media folder: {id} {title} {safe_title} {uploader} {ext} {date} {upload_date} {playlist} {playlist_index} {channel} {channel_id} {uploader_id} {resolution} {duration}, or a preset: jellyfin, plex, kodi ({channel}/{title} [{id}].{ext}); default videos/video-<id>.<ext>',
  },
  download_subtitles: { kind: 'boolean', default: false },
  subtitle_languages: {
    kind: 'string_list',
    maxItems: 20,
    itemMaxLength: 20,
    itemPattern: { regex: /^[A-Za-z0-9_.*-]+$/, message: 'subtitle_languages entries must be language codes like en or pt-BR' },
    example: ['en', 'pt-BR'],
  },
  embed_subtitles: { kind: 'boolean', default: false },
  write_thumbnail: { kind: 'boolean', default: false },
  /** On by default in requests (as the original service had it); a message without it asks for none. */
  embed_metadata: {
    kind: 'boolean',
    default: true,
    job: { default: false },
    description: 'Title, uploader and date written into the file (by yt-dlp; a direct file keeps its own tags)',
  },
  write_info_json: { kind: 'boolean', default: false, description: "Keep yt-dlp's .info.json beside the media (listed in file_info.files)" },
  write_description: { kind: 'boolean', default: false, description: 'Keep the description as a .description text file beside the media' },
  write_nfo: { kind: 'boolean', default: false, description: 'Write a Kodi/Jellyfin .nfo beside the media' },
  audio_only: {
    kind: 'boolean',
    requestOnly: true,
    deprecated: true,
    default: false,
    description: 'The original service\'s name for quality: "audio" (true means quality audio)',
  },
  /** yt-dlp --audio-quality; unset: the best yt-dlp picks. */
  audio_quality: {
    kind: 'int',
    min: AUDIO_QUALITY_KBPS.min,
    max: AUDIO_QUALITY_KBPS.max,
    messages: { invalid: AUDIO_QUALITY_MESSAGE, range: AUDIO_QUALITY_MESSAGE },
    example: 192,
    description: 'Audio bitrate in kbps, for audio downloads',
  },
  /** yt-dlp --convert-subs. */
  subtitle_format: {
    kind: 'enum',
    values: SUBTITLE_FORMATS,
    description: 'Subtitles converted to this format',
    message: `subtitle_format must be one of ${SUBTITLE_FORMATS.join(', ')}`,
  },
  /** yt-dlp --write-auto-subs. */
  auto_subtitles: { kind: 'boolean', default: false, description: 'Automatic (generated) captions too; implies downloading subtitles' },
  /** yt-dlp --embed-thumbnail. */
  embed_thumbnail: { kind: 'boolean', default: false, description: 'Thumbnail embedded as cover art (mp4, mkv, m4a, mp3, opus, flac)' },
  ignore_errors: {
    kind: 'boolean',
    requestOnly: true,
    deprecated: true,
    default: true,
    description: "Accepted for the original service's clients: one failed item never stops the others here (see stop_on_error for batches)",
  },
  cookies_id: { kind: 'string', maxLength: 100, description: 'The id of cookies uploaded with POST /api/v1/cookies (ck_…)' },
  /** A request asks for at least a minute; the message schema only for a positive time. */
  timeout_sec: { kind: 'int', min: 60, max: 7200, default: 1800, job: { min: 1 } },
  /** Read by the gateway only (the retention sweep); FILE_RETENTION_HOURS when unset. */
  retention_hours: {
    kind: 'number',
    min: 0.0001,
    max: 87600,
    messages: { invalid: 'retention_hours must be a number of hours' },
    job: { exclusiveMin: 0 },
    example: 72,
    description:
      'Hours the files are kept after the download completes, then removed (the job stays, flagged file_deleted, and a download.expired webhook is sent). Unset: FILE_RETENTION_HOURS, or kept for ever.',
  },
} as const satisfies DownloadOptionCatalogue;

/** The value an option takes (in a request, and in the job message when set). */
export type DownloadOptionValue<S> = S extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : S extends { kind: 'boolean' }
    ? boolean
    : S extends { kind: 'int' | 'number' }
      ? number
      : S extends { kind: 'string' }
        ? string
        : S extends { kind: 'string_list' }
          ? string[]
          : never;

/** The request fields of a catalogue: every entry, optional (the gateway's DTO properties). */
export type DownloadOptionFieldsOf<C> = { [K in keyof C]?: DownloadOptionValue<C[K]> };
/** The request fields of the download options, the deprecated aliases included. */
export type DownloadOptionFields = DownloadOptionFieldsOf<typeof DOWNLOAD_OPTIONS>;
