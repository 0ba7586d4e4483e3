import { z } from 'zod';

/**
 * Request/reply to a worker over `downloads.commands` / `metadata.requested` (queue
 * `downloader.metadata`). The request's AMQP `replyTo` is the caller's direct reply-to, its
 * `correlationId` matches the reply; the reply is this envelope's `WorkerQueryReply`.
 */
/**
 * Fingerprint of the API key that asked (`apiKeyFingerprint`, never the key): the worker gives one
 * key at most its share of its query slots. Absent (an older gateway): all such queries share one.
 */
const keyFp = z
  .string()
  .regex(/^[0-9a-f]{16}$/)
  .nullish();
/**
 * Id of one query (`qry_…`), present when it carries `cookies`: they are sealed for this id alone
 * (as a download's are for its request id) and opened by the worker for this query only.
 */
const queryId = z
  .string()
  .regex(/^qry_[A-Za-z0-9_-]{8,64}$/)
  .nullish();

export const workerQuerySchema = z.discriminatedUnion('kind', [
  /** Title, uploader, duration, thumbnail and formats of one URL, without downloading. */
  z.object({ kind: z.literal('metadata'), url: z.string().url(), cookies: z.string().nullish(), query_id: queryId, key_fp: keyFp }),
  /** Flat listing of a playlist, feed or channel (yt-dlp --flat-playlist), without downloading. */
  z.object({
    kind: z.literal('listing'),
    url: z.string().url(),
    max_entries: z.number().int().min(1).max(5000).default(1000),
    cookies: z.string().nullish(),
    query_id: queryId,
    key_fp: keyFp,
  }),
  /** The answering worker's download tools (yt-dlp, ffmpeg): paths and versions, or why one does not run. */
  z.object({ kind: z.literal('tools'), key_fp: keyFp }),
]);
export type WorkerQuery = z.infer<typeof workerQuerySchema>;

export const mediaFormatSchema = z.object({
  format_id: z.string(),
  ext: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  vcodec: z.string().nullable(),
  acodec: z.string().nullable(),
  filesize: z.number().nullable(),
  tbr: z.number().nullable(),
  format_note: z.string().nullable(),
  /** yt-dlp's `640x360`, or `audio only` for a rendition without video (its width and height are null). */
  resolution: z.string().nullish(),
});

export const metadataResultSchema = z.object({
  title: z.string().nullable(),
  uploader: z.string().nullable(),
  duration: z.number().nullable(),
  thumbnail: z.string().nullable(),
  extractor: z.string().nullable(),
  webpage_url: z.string().nullable(),
  upload_date: z.string().nullable(),
  formats: z.array(mediaFormatSchema),
  /** Languages of the subtitles the source offers (`download_subtitles`, `subtitle_languages`). */
  subtitles: z.array(z.string()).optional(),
  /** Languages of the source's automatic captions (`auto_subtitles`). */
  automatic_captions: z.array(z.string()).optional(),
});
export type MetadataResult = z.infer<typeof metadataResultSchema>;

export const listingEntrySchema = z.object({
  index: z.number().int().min(1),
  id: z.string().nullable(),
  title: z.string().nullable(),
  url: z.string(),
  duration: z.number().nullable(),
  upload_date: z.string().nullable(),
  view_count: z.number().nullable(),
  uploader: z.string().nullable(),
  thumbnail: z.string().nullable(),
});
export type ListingEntry = z.infer<typeof listingEntrySchema>;

export const listingResultSchema = z.object({
  title: z.string().nullable(),
  uploader: z.string().nullable(),
  entries: z.array(listingEntrySchema),
});
export type ListingResult = z.infer<typeof listingResultSchema>;

export const toolStatusSchema = z.object({
  name: z.string(),
  path: z.string(),
  version: z.string().nullable(),
  error: z.string().nullable(),
});
export const toolsResultSchema = z.object({ tools: z.array(toolStatusSchema) });
export type ToolsResult = z.infer<typeof toolsResultSchema>;

export const workerQueryReplySchema = z.union([
  z.object({ ok: z.literal(true), kind: z.literal('tools'), result: toolsResultSchema }),
  z.object({ ok: z.literal(true), kind: z.literal('metadata'), result: metadataResultSchema }),
  z.object({ ok: z.literal(true), kind: z.literal('listing'), result: listingResultSchema }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type WorkerQueryReply = z.infer<typeof workerQueryReplySchema>;

export const WORKER_QUERY_REPLY_TYPE = 'metadata.reply';

/** Error code of a reply refused at once because the asking key already holds its share of the worker's query slots. */
export const WORKER_QUERY_BUSY = 'busy';

/** A query as a caller writes it (defaults not yet applied). */
export type WorkerQueryInput = z.input<typeof workerQuerySchema>;
