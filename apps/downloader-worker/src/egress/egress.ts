import { DownloadError } from '../download/ports/media-downloader';

/** A connection the egress guard refused while a tool worked for a job or query. */
export interface EgressRefusal {
  host: string;
  address: string;
  range: string;
  /** "refusing to connect to HOST (resolved to A): address is in a forbidden range (R)" */
  message: string;
}

/**
 * How one job's or query's tools reach the network: every yt-dlp, ffmpeg and ffprobe run for it
 * takes its arguments and environment from here, so all their traffic meets the egress guard and
 * what it refused is known afterwards.
 */
export interface EgressSession {
  /** Proxy options for yt-dlp (it hands the proxy on to the ffmpeg it runs). */
  ytdlpArgs(): string[];
  /** Proxy options for ffmpeg and ffprobe reading a URL. */
  ffmpegArgs(): string[];
  /** Proxy variables for the process environment (inherited by every child the tool starts). */
  env(): Record<string, string>;
  /**
   * Checks URLs a tool reported without fetching them (format and entry URLs of a metadata or
   * listing answer): any that the egress policy would refuse is recorded like a refused connection.
   */
  checkUrls(urls: Iterable<string>): Promise<void>;
  /** `text` without the session's proxy credentials (yt-dlp -v prints its proxy settings). */
  redact(text: string): string;
  /** The first refused connection, if any. */
  refusal(): EgressRefusal | undefined;
  /** Ends the session: its credentials stop working. */
  close(): void;
}

/** The worker's one choke point for outbound traffic of spawned tools. */
export abstract class Egress {
  /** `label` says whom refusals are attributed to in logs, e.g. `job req_…` or `query metadata`. */
  abstract open(label: string): EgressSession;
}

/** The job's error when something was refused: it wins over whatever the tool made of the 403. */
export function refusalError(session: EgressSession): DownloadError | undefined {
  const refusal = session.refusal();
  return refusal ? new DownloadError('forbidden_address', refusal.message) : undefined;
}
