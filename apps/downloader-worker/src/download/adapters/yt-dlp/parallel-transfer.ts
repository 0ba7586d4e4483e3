import type { EgressSession } from '../../../egress/egress';

/** How many connections and fragments one download may use (DOWNLOAD_CONNECTIONS, DOWNLOAD_FRAGMENTS). */
export interface ParallelTransfer {
  /** Connections one progressive file is fetched over, in ranged parts; 1 keeps yt-dlp's own downloader. */
  connections: number;
  /** HLS/DASH fragments fetched at the same time by yt-dlp's native downloader. */
  fragments: number;
  /** aria2c executable (name on PATH or path). */
  aria2cPath?: string;
}

export const SERIAL_TRANSFER: ParallelTransfer = { connections: 1, fragments: 1 };

/**
 * yt-dlp options for parallel transfer. Sources throttle each connection, so a progressive
 * format (protocol http/https) goes to aria2c with `connections` ranged parts; HLS/DASH stay with
 * yt-dlp's native downloader, which reports progress per fragment, with `fragments` at a time.
 * aria2c's own options come from the egress session (its --all-proxy), so every connection meets
 * the egress guard; aria2c runs in yt-dlp's process group, so stopping the group stops every connection.
 * aria2c falls back to one connection when the server refuses ranges.
 */
export function parallelTransferArgs(p: ParallelTransfer, job: { cookiesFile?: string } = {}, egress?: Pick<EgressSession, 'command'>): string[] {
  const args = ['--concurrent-fragments', String(Math.max(1, Math.floor(p.fragments)))];
  const connections = Math.min(16, Math.max(1, Math.floor(p.connections)));
  // a job's cookies stay with yt-dlp's own downloader, which sends them to their domains only
  // (yt-dlp before 2023.07.06 handed them to external downloaders as a header, for every redirect too)
  if (connections === 1 || job.cookiesFile) return args;
  const aria2c = [
    ...[`--max-connection-per-server=${connections}`, `--split=${connections}`, '--min-split-size=1M'],
    // its console readout is carriage-return noise on our stdout; progress is read from its files
    ...['--show-console-readout=false', '--summary-interval=0', '--console-log-level=warn'],
  ];
  const aria2cArgs = egress ? egress.command('aria2c', aria2c).args : aria2c;
  args.push('--downloader', `http:${p.aria2cPath ?? 'aria2c'}`, '--downloader-args', `aria2c:${aria2cArgs.join(' ')}`);
  return args;
}
