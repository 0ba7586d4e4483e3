import { Clock } from '@mda/contracts';
import type { WorkerConfig } from '../config/worker-config';
import { HttpMediaDownloader } from '../download/adapters/http/http-media-downloader';
import { YtDlpMediaDownloader } from '../download/adapters/yt-dlp/yt-dlp-media-downloader';
import { MediaDownloader } from '../download/ports/media-downloader';
import { MediaProbe } from '../download/ports/media-probe';
import { RoutingMediaDownloader } from '../download/routing-media-downloader';
import { YtDlpMediaInspector } from '../queries/adapters/yt-dlp-media-inspector';
import { MediaInspector } from '../queries/ports/media-inspector';
import { Egress } from './egress';

type OutboundConfig = Pick<WorkerConfig, 'ffmpegPath' | 'ytdlpPath' | 'concurrency' | 'downloadConnections' | 'downloadFragments'>;

/** ffprobe beside the configured ffmpeg. */
export function ffprobePathOf(config: Pick<WorkerConfig, 'ffmpegPath'>): string {
  return config.ffmpegPath.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1');
}

/**
 * The job downloaders, every way out through `egress`: the direct-file client is its guarded
 * client, a URL handed to yt-dlp is checked by it first, and yt-dlp (with the aria2c and ffmpeg
 * it starts) runs with each job's session.
 */
export function createMediaDownloader(config: OutboundConfig, clock: Clock, probe: MediaProbe, egress: Egress): MediaDownloader {
  const transfer = { connections: config.downloadConnections, fragments: config.downloadFragments };
  // every running download may hold all its ranged connections to one origin
  const http = egress.httpClient({ connections: Math.max(16, config.concurrency * transfer.connections) });
  return new RoutingMediaDownloader(
    new HttpMediaDownloader(http, probe, () => clock.nowMs(), undefined, transfer.connections),
    new YtDlpMediaDownloader({ ytdlpPath: config.ytdlpPath, ffmpegPath: config.ffmpegPath, ffprobePath: ffprobePathOf(config) }, { egress, probe, transfer }),
    (url) => egress.assertAllowed(url),
  );
}

/** Metadata and listing queries: yt-dlp and ffprobe with each query's session, playlists read with the guarded client. */
export function createMediaInspector(config: Pick<WorkerConfig, 'ytdlpPath'>, probe: MediaProbe, egress: Egress): MediaInspector {
  const http = egress.httpClient({ connections: 4 });
  const fetchText = async (url: string) => {
    const res = await http.request({ method: 'GET', url, timeoutMs: 5_000, maxResponseBytes: 1 << 20 });
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    return res.body.toString('utf8');
  };
  return new YtDlpMediaInspector(config.ytdlpPath, probe, egress, fetchText);
}
