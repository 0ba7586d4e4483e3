import { z } from 'zod';
import { ROUTING_KEYS } from './topology';
import { AUDIO_FORMATS, DOWNLOAD_OPTIONS } from './download-options';
import { jobOptionShape } from './download-option-schema';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const FINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const REQUEST_ID_PATTERN = /^req_[a-z0-9]{12,}$/;
const requestId = z.string().regex(REQUEST_ID_PATTERN);

/** Where a job's webhooks go and which API key signs them (by fingerprint: secrets stay off the broker). */
export const webhookTargetSchema = z.object({
  url: z.string().url(),
  key_fp: z.string().regex(/^[a-f0-9]{16,64}$/),
});
export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

/**
 * Where a child job came from: the playlist or channel listing that produced it (feed title, the
 * item's date and position). Set by the gateway for batch children, never by a client; read by
 * the worker's path tokens.
 */
export const jobSourceSchema = z.object({
  kind: z.enum(['playlist', 'channel']),
  playlist: z.string().max(500).nullish(),
  playlist_index: z.number().int().min(1).nullish(),
  playlist_count: z.number().int().min(1).nullish(),
  title: z.string().max(1000).nullish(),
  channel: z.string().max(500).nullish(),
  channel_id: z.string().max(200).nullish(),
  uploader_id: z.string().max(200).nullish(),
  /** `YYYYMMDD`. */
  upload_date: z
    .string()
    .regex(/^\d{8}$/)
    .nullish(),
});
export type JobSource = z.infer<typeof jobSourceSchema>;

/** A job's options as its command carries them: the catalogue's (download-options.ts), and where it came from. */
export const downloadOptionsSchema = z.object({
  ...jobOptionShape(DOWNLOAD_OPTIONS),
  source: jobSourceSchema.nullish(),
});
export type DownloadOptions = z.infer<typeof downloadOptionsSchema>;

/** Containers yt-dlp can embed a cover image into (a webm or wav fails after the whole download). */
export const THUMBNAIL_CONTAINERS: ReadonlySet<string> = new Set(['mp4', 'mkv', 'm4a', 'mp3', 'opus', 'flac']);
const LOSSLESS_AUDIO: ReadonlySet<string> = new Set(['flac', 'wav']);

export interface OptionsConflict {
  field: string;
  message: string;
}

/**
 * Why a set of options cannot give what it asks for, or null: refused at submit (400) rather than
 * failing after the whole download or being silently ignored. Containers are always reachable
 * (the worker remuxes or re-encodes). A format left at its default (`mp4`, `mp3`) asks for nothing,
 * so clients that always send both (the dashboard) are not refused for the one that does not apply.
 * `request` is what the client sent before `audio_only` was folded into `quality`.
 */
export function optionsConflict(o: DownloadOptions, request: { audio_only?: boolean | null; quality?: string | null } = {}): OptionsConflict | null {
  const audio = o.quality === 'audio';
  const asked = request.quality ?? o.quality;
  if (request.audio_only && asked !== 'audio' && asked !== 'best') {
    return { field: 'quality', message: `quality "${asked}" asks for video while audio_only asks for audio only: send one of them` };
  }
  if (audio && o.embed_subtitles) {
    return {
      field: 'embed_subtitles',
      message: 'embed_subtitles cannot be used with quality "audio": audio files carry no subtitle tracks (use download_subtitles to keep them as files)',
    };
  }
  if (audio && o.video_format !== 'mp4') {
    return {
      field: 'video_format',
      message: `video_format "${o.video_format}" cannot apply to an audio-only download: its container is audio_format (${AUDIO_FORMATS.join(', ')})`,
    };
  }
  if (!audio && o.audio_format !== 'mp3') {
    return {
      field: 'audio_format',
      message: `audio_format "${o.audio_format}" applies to audio-only downloads (quality "audio" or audio_only): a video keeps its audio track in video_format`,
    };
  }
  if (!audio && o.audio_quality != null) {
    return { field: 'audio_quality', message: 'audio_quality applies to audio-only downloads (quality "audio" or audio_only)' };
  }
  if (audio && o.audio_quality != null && LOSSLESS_AUDIO.has(o.audio_format)) {
    return {
      field: 'audio_quality',
      message: `audio_quality (a bitrate) does not apply to lossless ${o.audio_format}: leave it out, or choose mp3, m4a or opus`,
    };
  }
  const container = audio ? o.audio_format : o.video_format;
  if (o.embed_thumbnail && !THUMBNAIL_CONTAINERS.has(container)) {
    return {
      field: 'embed_thumbnail',
      message: `embed_thumbnail cannot be used with ${container}: a ${container} file holds no cover image (use write_thumbnail to keep it as a file, or choose ${[...THUMBNAIL_CONTAINERS].join(', ')})`,
    };
  }
  if (o.embed_subtitles && o.video_format === 'webm' && o.subtitle_format && o.subtitle_format !== 'vtt') {
    return {
      field: 'subtitle_format',
      message: `a webm holds WebVTT subtitles only: embed_subtitles with webm needs subtitle_format "vtt" (or none), not "${o.subtitle_format}"`,
    };
  }
  if (o.custom_format != null && o.custom_format.trim() !== '' && o.quality !== 'best' && o.quality !== 'audio') {
    return { field: 'custom_format', message: `custom_format replaces quality: send custom_format or quality "${o.quality}", not both` };
  }
  return null;
}

/** Command on `download.requested`. */
export const downloadRequestedSchema = z.object({
  request_id: requestId,
  url: z.string().url(),
  options: downloadOptionsSchema,
  webhook: webhookTargetSchema.nullable(),
  batch_id: z.string().nullish(),
  /** The job's cookies (Netscape text) sealed with COOKIE_ENCRYPTION_KEY for this request id only (cookie-sealing.ts). */
  cookies: z.string().max(1_500_000).nullish(),
});
export type DownloadRequested = z.infer<typeof downloadRequestedSchema>;

/** Command on `download.cancel` (downloads.control). */
export const downloadCancelSchema = z.object({ request_id: requestId });
export type DownloadCancel = z.infer<typeof downloadCancelSchema>;

export const progressSchema = z.object({
  percent: z.number().min(0).max(100),
  downloaded_bytes: z.number().int().nonnegative(),
  total_bytes: z.number().int().nonnegative().nullable(),
  speed: z.number().nonnegative().nullable(),
  eta: z.number().nonnegative().nullable(),
});
export type Progress = z.infer<typeof progressSchema>;

/** What a stored file is: the media, or one of its sidecars (same base name, beside it). */
export const FILE_KINDS = ['media', 'subtitle', 'thumbnail', 'info_json', 'description', 'nfo'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const storedFileSchema = z.object({
  kind: z.enum(FILE_KINDS),
  filename: z.string(),
  /** Relative to the media folder: what `/files/<filepath>` serves and `job_files` records. */
  filepath: z.string(),
  size_bytes: z.number().int().nonnegative(),
  /** Unsigned when stored; signed when handed out. */
  download_url: z.string(),
  /** Subtitles: the language code from the file name (`en`, `pt-BR`). */
  language: z.string().nullish(),
  mime_type: z.string().optional(),
});
export type StoredFile = z.infer<typeof storedFileSchema>;

export const fileInfoSchema = z.object({
  filename: z.string(),
  filepath: z.string(),
  size_bytes: z.number().int().nonnegative(),
  download_url: z.string(),
  mime_type: z.string().optional(),
  /** Every file of the job, the media first, then the sidecars asked for. */
  files: z.array(storedFileSchema).optional(),
});
export type FileInfo = z.infer<typeof fileInfoSchema>;

export const mediaMetadataSchema = z
  .object({
    title: z.string().nullable(),
    uploader: z.string().nullable(),
    duration: z.number().nullable(),
  })
  .passthrough();
export type MediaMetadata = z.infer<typeof mediaMetadataSchema>;

const eventBase = z.object({
  request_id: requestId,
  url: z.string(),
  webhook: webhookTargetSchema.nullable(),
  batch_id: z.string().nullish(),
  /**
   * The downloader's last log lines: all of them (at most 500) on final events; on progress events
   * while it runs, the tail (at most LIVE_LOG_LINES) when new lines came. The gateway keeps them for /logs.
   */
  logs: z.array(z.string().max(2000)).max(500).optional(),
});

export const downloadStartedSchema = eventBase.extend({
  started_at: z.string().datetime(),
  /**
   * What the media is (title, uploader, duration, thumbnail from yt-dlp's info) when the worker
   * knew it before starting the bytes. Internal: the download.started webhook stays the seed's.
   */
  metadata: mediaMetadataSchema.optional(),
});
export const downloadProgressSchema = eventBase.extend({
  progress: progressSchema,
  /** What the media is (from yt-dlp's info, before the bytes), on the first progress event after it is known. */
  metadata: mediaMetadataSchema.optional(),
});

/** Most log lines a progress event carries while the job runs. */
export const LIVE_LOG_LINES = 200;
export const downloadCompletedSchema = eventBase.extend({
  file_info: fileInfoSchema,
  metadata: mediaMetadataSchema,
  completed_at: z.string().datetime(),
});
export const downloadFailedSchema = eventBase.extend({
  error: z.string(),
  error_code: z.string(),
  completed_at: z.string().datetime(),
});
export const downloadCancelledSchema = eventBase.extend({
  completed_at: z.string().datetime(),
  /** Why the job ended without finishing: cancelled by request, with its batch, or skipped by stop_on_error. */
  reason: z.string().max(500).optional(),
});

export type DownloadStarted = z.infer<typeof downloadStartedSchema>;
export type DownloadProgress = z.infer<typeof downloadProgressSchema>;
export type DownloadCompleted = z.infer<typeof downloadCompletedSchema>;
export type DownloadFailed = z.infer<typeof downloadFailedSchema>;
export type DownloadCancelled = z.infer<typeof downloadCancelledSchema>;

/** A lifecycle event as it travels on `downloads.events`: the envelope type is the routing key. */
export type DownloadEvent =
  | { type: typeof ROUTING_KEYS.downloadStarted; data: DownloadStarted }
  | { type: typeof ROUTING_KEYS.downloadProgress; data: DownloadProgress }
  | { type: typeof ROUTING_KEYS.downloadCompleted; data: DownloadCompleted }
  | { type: typeof ROUTING_KEYS.downloadFailed; data: DownloadFailed }
  | { type: typeof ROUTING_KEYS.downloadCancelled; data: DownloadCancelled };

export type DownloadEventType = DownloadEvent['type'];

export const DOWNLOAD_EVENT_SCHEMAS: Record<DownloadEventType, z.ZodTypeAny> = {
  [ROUTING_KEYS.downloadStarted]: downloadStartedSchema,
  [ROUTING_KEYS.downloadProgress]: downloadProgressSchema,
  [ROUTING_KEYS.downloadCompleted]: downloadCompletedSchema,
  [ROUTING_KEYS.downloadFailed]: downloadFailedSchema,
  [ROUTING_KEYS.downloadCancelled]: downloadCancelledSchema,
};

/** Validates any download event: the schema is chosen by the envelope type. */
export const downloadEventDataSchema = z.union([
  downloadCompletedSchema,
  downloadFailedSchema,
  downloadProgressSchema,
  downloadStartedSchema,
  downloadCancelledSchema,
]);

export function isDownloadEventType(type: string): type is DownloadEventType {
  return Object.prototype.hasOwnProperty.call(DOWNLOAD_EVENT_SCHEMAS, type);
}

/** Default stored path (SPEC §3): videos/video-<id>.<ext> or audio/audio-<id>.<ext>. */
export function defaultFilePath(requestIdValue: string, ext: string, audio: boolean): string {
  const id = requestIdValue.replace(/^req_/, '');
  return audio ? `audio/audio-${id}.${ext}` : `videos/video-${id}.${ext}`;
}
