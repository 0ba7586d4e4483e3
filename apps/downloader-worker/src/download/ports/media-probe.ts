import type { ToolCommand } from '../../egress/tool-command';

/** What ffprobe tells about a file. */
export interface ProbeResult {
  title: string | null;
  duration: number | null;
  width: number | null;
  height: number | null;
  /**
   * The container keeps a complete index in the part read (an mp4/mov `moov` box): its duration is
   * exact, not estimated from the file size, so a probe of a file's head can be trusted.
   */
  indexed?: boolean;
}

/** Proxy settings for a probe that reads a URL (an EgressSession). */
export interface ProbeEgress {
  command(tool: 'ffprobe', args: readonly string[]): ToolCommand;
}

export abstract class MediaProbe {
  /** `path` is a local file; a URL needs `egress`, so the read goes through the egress guard. */
  abstract probe(path: string, egress?: ProbeEgress): Promise<ProbeResult>;
}
