import { DownloadRequested, PathTemplateError, defaultFilePath, expandPathTemplate } from '@mda/contracts';
import { DownloadError, DownloadResult } from './ports/media-downloader';

/**
 * The public path of a finished file: the job's path_template, or SPEC §3's default.
 * `{id}` is the request id without `req_` (unique per job, unlike a site's media id).
 */
export function resolveFilePath(cmd: DownloadRequested, result: DownloadResult, now: Date): string {
  const template = cmd.options.path_template;
  if (!template) return defaultFilePath(cmd.request_id, result.ext, result.audioOnly);
  const meta = result.metadata as { title?: string | null; uploader?: string | null; upload_date?: string | null };
  try {
    return expandPathTemplate(template, {
      id: cmd.request_id.replace(/^req_/, ''),
      title: meta.title,
      uploader: meta.uploader,
      ext: result.ext,
      date: meta.upload_date || now,
    });
  } catch (err) {
    if (err instanceof PathTemplateError) throw new DownloadError('invalid_request', err.message);
    throw err;
  }
}
