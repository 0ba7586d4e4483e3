import { NotDirectMediaError } from './adapters/http/http-media-downloader';
import { DownloadHooks, DownloadJob, DownloadResult, MediaDownloader } from './ports/media-downloader';

/**
 * Direct media files take the fast HTTP stream; pages, streams and anything that needs
 * format selection or conversion go through yt-dlp.
 */
export class RoutingMediaDownloader extends MediaDownloader {
  constructor(
    private readonly direct: MediaDownloader,
    private readonly ytdlp: MediaDownloader,
  ) {
    super();
  }

  async download(job: DownloadJob, hooks: DownloadHooks): Promise<DownloadResult> {
    const o = job.options;
    const needsProcessing = o.quality === 'audio' || !!o.custom_format || o.embed_metadata || o.download_subtitles || o.write_thumbnail;
    if (!needsProcessing) {
      try {
        return await this.direct.download(job, hooks);
      } catch (err) {
        if (!(err instanceof NotDirectMediaError)) throw err;
        hooks.onLog(`not a direct media file (${err.contentType || 'no content type'}): using yt-dlp`);
      }
    }
    return this.ytdlp.download(job, hooks);
  }
}
