import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MediaProbe, ProbeEgress, ProbeResult } from '../ports/media-probe';

const run = promisify(execFile);

/** Duration, title and size of a media file from ffprobe (0.2 s, no decoding). */
export class FfprobeMediaProbe extends MediaProbe {
  constructor(private readonly ffprobePath = 'ffprobe') {
    super();
  }

  async probe(path: string, egress?: ProbeEgress): Promise<ProbeResult> {
    // fail closed: a URL is only read through the egress proxy
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) && !egress) throw new Error('probing a URL needs the egress proxy');
    const args = ['-v', 'error', '-show_entries', 'format=format_name,duration:format_tags=title:stream=width,height', '-of', 'json', path];
    const command = egress ? egress.command('ffprobe', args) : { args, env: {} };
    const { stdout } = await run(this.ffprobePath, command.args, { timeout: 15_000, maxBuffer: 1 << 20, env: { ...process.env, ...command.env } });
    const j = JSON.parse(stdout) as {
      format?: { format_name?: string; duration?: string; tags?: { title?: string } };
      streams?: Array<{ width?: number; height?: number }>;
    };
    const video = j.streams?.find((s) => s.width && s.height);
    const duration = j.format?.duration ? Number(j.format.duration) : NaN;
    return {
      title: j.format?.tags?.title ?? null,
      duration: Number.isFinite(duration) ? Math.round(duration * 1000) / 1000 : null,
      width: video?.width ?? null,
      height: video?.height ?? null,
      // the mov demuxer fails without a moov box, so a duration from it comes from the index
      indexed: /(^|,)mov(,|$)/.test(j.format?.format_name ?? '') && Number.isFinite(duration),
    };
  }
}
