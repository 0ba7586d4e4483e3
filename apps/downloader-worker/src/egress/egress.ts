import type { GuardedHttpClient } from '@mda/net-guard';
import { DownloadError } from '../download/ports/media-downloader';
import type { OutboundTool, ToolCommand } from './tool-command';

/** A connection the egress guard refused while a tool worked for a job or query. */
export interface EgressRefusal {
  host: string;
  address: string;
  range: string;
  /** "refusing to connect to HOST (resolved to A): address is in a forbidden range (R)" */
  message: string;
}

/**
 * How one job's or query's tools reach the network: every yt-dlp, aria2c, ffmpeg and ffprobe run
 * for it takes its command line and environment from `command`, so all their traffic meets the
 * egress guard and what it refused is known afterwards.
 */
export interface EgressSession {
  /** `args` for `tool` with the session's proxy put in, and the proxy variables for its environment (inherited by its children). */
  command(tool: OutboundTool, args: readonly string[]): ToolCommand;
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

/**
 * The worker's one choke point for outbound traffic: the tools it spawns get their commands from
 * a session, its own HTTP requests (direct files, playlists) go through a client under the same
 * policy, and a URL handed to a tool is checked here first.
 */
export abstract class Egress {
  /** `label` says whom refusals are attributed to in logs, e.g. `job req_…` or `query metadata`. */
  abstract open(label: string): EgressSession;
  /** An HTTP client that refuses what the egress policy refuses, at every dial and redirect. */
  abstract httpClient(opts: { connections: number }): GuardedHttpClient;
  /** Throws a NetError (`forbidden_address`, `dns_failure`...) for a URL the policy refuses. */
  abstract assertAllowed(url: string): Promise<void>;
}

/** The job's error when something was refused: it wins over whatever the tool made of the 403. */
export function refusalError(session: EgressSession): DownloadError | undefined {
  const refusal = session.refusal();
  return refusal ? new DownloadError('forbidden_address', refusal.message) : undefined;
}
