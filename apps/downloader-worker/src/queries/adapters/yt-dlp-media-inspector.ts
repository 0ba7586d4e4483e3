import { execFile } from 'node:child_process';
import type { ListingResult, MetadataResult } from '@mda/contracts';
import { DownloadError } from '../../download/ports/media-downloader';
import { MediaProbe } from '../../download/ports/media-probe';
import { classifyYtDlpFailure } from '../../download/adapters/yt-dlp/yt-dlp-errors';
import { MediaInspector } from '../ports/media-inspector';
import { toListingResult, toMetadataResult } from './yt-dlp-json';

const MAX_JSON_BYTES = 64 * 1024 * 1024;
const COMMON = ['-J', '--no-warnings', '--ignore-config', '--no-cache-dir'];

/** `yt-dlp -J` (one media) and `yt-dlp --flat-playlist -J` (a listing), run with an argument array and a deadline. */
export class YtDlpMediaInspector extends MediaInspector {
  constructor(
    private readonly ytdlpPath: string,
    private readonly probe: MediaProbe,
  ) {
    super();
  }

  async metadata(url: string, timeoutMs: number): Promise<MetadataResult> {
    const result = toMetadataResult(await this.run([...COMMON, '--no-playlist', '--', url], timeoutMs));
    // a direct file: yt-dlp knows its name only; the file's own tags know title and duration
    if (result.extractor === 'generic' && result.duration === null) {
      const probed = await this.probe.probe(url).catch(() => null);
      if (probed) {
        result.duration = probed.duration;
        if (probed.title) result.title = probed.title;
        for (const f of result.formats) {
          f.width ??= probed.width;
          f.height ??= probed.height;
        }
      }
    }
    return result;
  }

  async listing(url: string, maxEntries: number, timeoutMs: number): Promise<ListingResult> {
    const json = await this.run([...COMMON, '--flat-playlist', '--playlist-end', String(maxEntries), '--', url], timeoutMs);
    return toListingResult(json, maxEntries);
  }

  private run(args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      execFile(
        this.ytdlpPath,
        args,
        { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_JSON_BYTES, env: { ...process.env, PYTHONIOENCODING: 'utf-8' } },
        (err, stdout, stderr) => {
          if (err) {
            if ((err as { killed?: boolean }).killed) return reject(new DownloadError('timed_out', `Reading the URL took longer than ${Math.round(timeoutMs / 1000)} s`));
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new DownloadError('internal_error', 'yt-dlp could not be started'));
            const lines = String(stderr).split('\n').filter(Boolean);
            return reject(classifyYtDlpFailure(lines.filter((l) => l.startsWith('ERROR:')), lines, typeof err.code === 'number' ? err.code : null));
          }
          try {
            resolve(JSON.parse(stdout) as Record<string, unknown>);
          } catch {
            reject(new DownloadError('internal_error', 'yt-dlp printed no readable JSON'));
          }
        },
      );
    });
  }
}
