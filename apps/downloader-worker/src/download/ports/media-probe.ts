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

export abstract class MediaProbe {
  abstract probe(path: string): Promise<ProbeResult>;
}
