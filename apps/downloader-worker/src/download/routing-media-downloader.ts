import { NetError } from '@mda/net-guard';
import { NotDirectMediaError } from './adapters/http/http-media-downloader';
import { DownloadError, DownloadHooks, DownloadJob, DownloadResult, MediaDownloader } from './ports/media-downloader';

/** Refuses a URL that must not be dialled (private network); yt-dlp dials by itself. */
export type UrlGuard = (url: string) => Promise<void>;

/**
 * Direct media files take the fast HTTP stream; pages, streams and anything that needs
 * format selection or conversion go through yt-dlp.
 */
export class RoutingMediaDownloader extends MediaDownloader {
  constructor(
    private readonly direct: MediaDownloader,
    private readonly ytdlp: MediaDownloader,
    private readonly guard: UrlGuard = async () => undefined,
  ) {
    super();
  }

  async download(job: DownloadJob, hooks: DownloadHooks): Promise<DownloadResult> {
    const o = job.options;
    // cookies go through yt-dlp, the one downloader that sends them
    // embed_metadata alone does not: it is on by default, and a direct file keeps the tags it was served with
    const needsProcessing =
      o.quality === 'audio' ||
      !!o.custom_format ||
      o.download_subtitles ||
      o.auto_subtitles ||
      o.embed_thumbnail ||
      o.write_thumbnail ||
      o.write_info_json ||
      o.write_description ||
      !!job.cookiesFile ||
      // another container than the file's: yt-dlp remuxes or re-encodes it
      o.video_format !== 'mp4' ||
      !['', 'mp4', 'm4v'].includes(urlExtension(job.url));
    if (!needsProcessing) {
      try {
        return await this.direct.download(job, hooks);
      } catch (err) {
        if (!(err instanceof NotDirectMediaError)) throw err;
        hooks.onLog(`not a direct media file (${err.contentType || 'no content type'}): using yt-dlp`);
      }
    }
    try {
      await this.guard(job.url);
    } catch (err) {
      if (err instanceof NetError && err.code === 'forbidden_address') {
        throw new DownloadError('forbidden_address', err.message);
      }
      if (err instanceof NetError && err.code === 'dns_failure') throw new DownloadError('network_error', `Network error: ${err.message}`);
      throw err;
    }
    return this.ytdlp.download(job, hooks);
  }
}

/** The extension of a URL's last path segment, lower case (`''` when it has none). */
function urlExtension(url: string): string {
  try {
    const name = new URL(url).pathname.split('/').pop() ?? '';
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  } catch {
    return '';
  }
}
