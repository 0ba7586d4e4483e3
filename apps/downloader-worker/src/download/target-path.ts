import { DownloadRequested, PathTemplateError, defaultFilePath, expandPathTemplate } from '@mda/contracts';
import { DownloadError, DownloadResult } from './ports/media-downloader';

interface KnownMetadata {
  title?: string | null;
  uploader?: string | null;
  upload_date?: string | null;
  channel?: string | null;
  channel_id?: string | null;
  uploader_id?: string | null;
  width?: number | null;
  height?: number | null;
  duration?: number | null;
}

/**
 * The public path of a finished file: the job's path_template (or preset), or SPEC §3's default.
 * `{id}` is the request id without `req_` (unique per job, unlike a site's media id). A batch
 * child's listing (feed title, item date, position) fills what the media itself does not say.
 */
export function resolveFilePath(cmd: DownloadRequested, result: DownloadResult, now: Date): string {
  const template = cmd.options.path_template;
  if (!template) return defaultFilePath(cmd.request_id, result.ext, result.audioOnly);
  const meta = result.metadata as KnownMetadata;
  const src = cmd.options.source;
  const uploadDate = meta.upload_date || src?.upload_date || null;
  try {
    return expandPathTemplate(template, {
      id: cmd.request_id.replace(/^req_/, ''),
      // a feed item's own title beats what the generic extractor makes of its enclosure URL
      title: src?.title || meta.title,
      uploader: meta.uploader || src?.channel,
      ext: result.ext,
      date: uploadDate || now,
      upload_date: uploadDate,
      playlist: src?.playlist,
      playlist_index: src?.playlist_index,
      playlist_count: src?.playlist_count,
      channel: meta.channel || src?.channel || meta.uploader,
      channel_id: meta.channel_id || src?.channel_id,
      uploader_id: meta.uploader_id || src?.uploader_id,
      width: meta.width,
      height: meta.height,
      audio_only: result.audioOnly,
      duration: meta.duration,
    });
  } catch (err) {
    if (err instanceof PathTemplateError) throw new DownloadError('invalid_request', err.message);
    throw err;
  }
}
