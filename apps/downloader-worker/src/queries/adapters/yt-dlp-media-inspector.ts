import { execFile } from 'node:child_process';
import type { ListingResult, MetadataResult } from '@mda/contracts';
import { DownloadError } from '../../download/ports/media-downloader';
import { MediaProbe } from '../../download/ports/media-probe';
import { classifyYtDlpFailure } from '../../download/adapters/yt-dlp/yt-dlp-errors';
import { Egress, EgressSession, refusalError } from '../../egress/egress';
import { InspectOptions, MediaInspector } from '../ports/media-inspector';
import { hlsReferences } from './hls-references';
import { isAudioOnly, toListingResult, toMetadataResult } from './yt-dlp-json';

const MAX_JSON_BYTES = 64 * 1024 * 1024;
const COMMON = ['-J', '--no-warnings', '--ignore-config', '--no-cache-dir'];
/** HLS playlists of an answer read to check their segments (yt-dlp -J does not read them). */
const MAX_PLAYLISTS_READ = 5;

/** Reads a small text resource (an HLS playlist) through the guarded client; rejects on any failure. */
export type TextFetcher = (url: string) => Promise<string>;

/**
 * `yt-dlp -J` (one media) and `yt-dlp --flat-playlist -J` (a listing), run with an argument array
 * and a deadline. Every query has its own egress session: yt-dlp and ffprobe reach the network
 * only through the egress proxy, and a refused connection answers `forbidden_address`.
 */
export class YtDlpMediaInspector extends MediaInspector {
  constructor(
    private readonly ytdlpPath: string,
    private readonly probe: MediaProbe,
    private readonly egress: Egress,
    private readonly fetchText: TextFetcher,
  ) {
    super();
  }

  metadata(url: string, timeoutMs: number, opts: InspectOptions = {}): Promise<MetadataResult> {
    return this.guarded('query metadata', async (egress) => {
      const json = await this.run([...COMMON, ...cookieArgs(opts), '--no-playlist', '--', url], timeoutMs, egress);
      await this.checkReferences(json, egress);
      const result = toMetadataResult(json);
      // a direct file: yt-dlp knows its name only; the file's own tags know title and duration
      if (result.extractor === 'generic' && result.duration === null) {
        const probed = await this.probe.probe(url, egress).catch(() => null);
        if (probed) {
          result.duration = probed.duration;
          if (probed.title) result.title = probed.title;
          // the probe reads the best video: an audio-only rendition keeps no width nor height
          for (const f of result.formats.filter((x) => !isAudioOnly(x))) {
            f.width ??= probed.width;
            f.height ??= probed.height;
          }
        }
      }
      return result;
    });
  }

  listing(url: string, maxEntries: number, timeoutMs: number, opts: InspectOptions = {}): Promise<ListingResult> {
    return this.guarded('query listing', async (egress) => {
      const json = await this.run([...COMMON, ...cookieArgs(opts), '--flat-playlist', '--playlist-end', String(maxEntries), '--', url], timeoutMs, egress);
      await this.checkReferences(json, egress);
      return toListingResult(json, maxEntries);
    });
  }

  /**
   * The answer must not point at what the egress policy refuses: its media, format and entry URLs,
   * and the segments of its HLS playlists. Throws forbidden_address when any is refused.
   */
  private async checkReferences(json: Record<string, unknown>, egress: EgressSession): Promise<void> {
    await egress.checkUrls(mediaUrls(json));
    const refused = refusalError(egress);
    if (refused) throw refused;
    const playlists = [...new Set(hlsPlaylistUrls(json))].slice(0, MAX_PLAYLISTS_READ);
    const texts = await Promise.all(
      playlists.map((u) =>
        this.fetchText(u).then(
          (t) => ({ u, t }),
          () => null,
        ),
      ),
    );
    await egress.checkUrls(texts.flatMap((x) => (x ? hlsReferences(x.t, x.u) : [])));
  }

  /** Runs `work` in its own egress session; anything refused meanwhile decides the answer. */
  private async guarded<T>(label: string, work: (egress: EgressSession) => Promise<T>): Promise<T> {
    const egress = this.egress.open(label);
    try {
      const result = await work(egress).catch((err: unknown) => {
        throw refusalError(egress) ?? err;
      });
      const refused = refusalError(egress);
      if (refused) throw refused;
      return result;
    } finally {
      egress.close();
    }
  }

  private run(args: string[], timeoutMs: number, egress: EgressSession): Promise<Record<string, unknown>> {
    const command = egress.command('yt-dlp', args);
    return new Promise((resolve, reject) => {
      execFile(
        this.ytdlpPath,
        command.args,
        { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_JSON_BYTES, env: { ...process.env, PYTHONIOENCODING: 'utf-8', ...command.env } },
        (err, stdout, stderr) => {
          if (err) {
            if ((err as { killed?: boolean }).killed)
              return reject(new DownloadError('timed_out', `Reading the URL took longer than ${Math.round(timeoutMs / 1000)} s`));
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new DownloadError('internal_error', 'yt-dlp could not be started'));
            const lines = String(stderr).split('\n').filter(Boolean);
            return reject(
              classifyYtDlpFailure(
                lines.filter((l) => l.startsWith('ERROR:')),
                lines,
                typeof err.code === 'number' ? err.code : null,
              ),
            );
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

/** yt-dlp sends the query's cookies (a private file, never its contents on a command line). */
function cookieArgs(opts: InspectOptions): string[] {
  return opts.cookiesFile ? ['--cookies', opts.cookiesFile] : [];
}

type Json = Record<string, unknown>;
const URL_KEYS = ['url', 'manifest_url', 'fragment_base_url'];

/**
 * The URLs an answer points its caller (and a later download) at: the media's, its formats' and
 * its entries'. yt-dlp reads a master playlist or a page without fetching these, so they are
 * checked against the egress policy here.
 */
export function mediaUrls(json: Json): string[] {
  const urls: string[] = [];
  const own = (o: Json) => {
    for (const k of URL_KEYS) if (typeof o[k] === 'string') urls.push(o[k] as string);
  };
  const items = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);
  own(json);
  for (const f of [...items(json['formats']), ...items(json['requested_formats'])]) {
    own(f);
    // DASH segments: absolute ones carry a url, relative ones a path under fragment_base_url
    for (const frag of items(f['fragments'])) own(frag);
  }
  for (const e of items(json['entries'])) {
    own(e);
    for (const f of items(e['formats'])) own(f);
  }
  return urls;
}

/** URLs of the HLS playlists among an answer's formats. */
export function hlsPlaylistUrls(json: Json): string[] {
  const formats = Array.isArray(json['formats']) ? (json['formats'] as Json[]) : [json];
  return formats
    .filter((f) => typeof f?.['protocol'] === 'string' && /^m3u8/.test(f['protocol'] as string) && typeof f['url'] === 'string')
    .map((f) => f['url'] as string);
}
