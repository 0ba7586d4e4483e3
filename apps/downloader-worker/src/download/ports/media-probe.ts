/** What ffprobe tells about a file. */
export interface ProbeResult {
  title: string | null;
  duration: number | null;
  width: number | null;
  height: number | null;
}

export abstract class MediaProbe {
  abstract probe(path: string): Promise<ProbeResult>;
}
