import { Logger } from '@mda/observability';
import { JobIntake } from '../download/ports/media-store';
import { ProbeResult, ToolProbe } from './adapters/tool-probe';

export interface ToolSpec {
  /** yt-dlp, ffmpeg, ffprobe */
  name: string;
  /** The configured path (or bare command name) */
  path: string;
  /** The environment variable that sets it */
  variable: string;
  versionArgs: readonly string[];
}

export interface ToolStatus {
  name: string;
  path: string;
  version: string | null;
  error: string | null;
}

/** The command that installs the tools on this kind of machine (Debian/Ubuntu). */
export const INSTALL_HINT = 'install it (Debian/Ubuntu: sudo apt-get install -y yt-dlp ffmpeg; or pip install yt-dlp)';

/**
 * Whether the tools a download needs run. While one is missing the worker takes no jobs (they wait
 * in the queue, queued, for a worker that has them), reports not-ready naming the tool and the path
 * it expected, and looks again every `recheckMs`.
 */
export class ToolsMonitor {
  private status: ToolStatus[] = [];
  private intake?: JobIntake;
  private timer?: NodeJS.Timeout;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly tools: readonly ToolSpec[],
    private readonly probe: ToolProbe,
    private readonly logger: Logger,
    private readonly recheckMs = 10_000,
  ) {}

  /** Every tool with its version or error, as last checked. */
  get versions(): readonly ToolStatus[] {
    return this.status;
  }

  /** Why the worker cannot download now, naming the tool and its expected path; undefined when all run. */
  get reason(): string | undefined {
    const missing = this.tools.filter((t) => this.status.find((s) => s.name === t.name)?.error);
    if (missing.length === 0) return undefined;
    return missing
      .map((t) => `${t.name} ${this.status.find((s) => s.name === t.name)?.error} at ${t.variable}=${t.path}: set ${t.variable} to its path or ${INSTALL_HINT}`)
      .join('; ');
  }

  /** Checks once; with a tool missing the job consumer is paused before it takes anything. */
  async attach(intake: JobIntake): Promise<void> {
    this.intake = intake;
    await this.check();
  }

  private async check(): Promise<void> {
    const results = await Promise.all(this.tools.map(async (t) => ({ t, r: await this.probe(t.path, t.versionArgs) })));
    this.status = results.map(({ t, r }) => statusOf(t, r));
    const reason = this.reason;
    if (reason && !this.paused) {
      this.paused = true;
      this.logger.error({ event: 'tools.missing', reason }, 'a download tool is missing: no jobs until it is installed');
      await this.intake?.pause().catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'could not pause the job consumer'));
    } else if (!reason && this.paused) {
      this.paused = false;
      this.logger.info({ event: 'tools.found', tools: this.status }, 'download tools found: taking jobs');
      await this.intake?.resume().catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'could not resume the job consumer'));
    } else if (!reason) {
      this.logger.info({ event: 'tools.found', tools: this.status }, 'download tools found');
    }
    if (reason) this.scheduleRecheck();
  }

  private scheduleRecheck(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), this.recheckMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

function statusOf(t: ToolSpec, r: ProbeResult): ToolStatus {
  return r.ok ? { name: t.name, path: t.path, version: versionNumber(r.version), error: null } : { name: t.name, path: t.path, version: null, error: r.reason };
}

/** "ffmpeg version 5.1.6-0+deb12u1 Copyright…" → "5.1.6-0+deb12u1"; "2023.03.04" stays. */
export function versionNumber(line: string): string {
  const m = /version\s+(\S+)/i.exec(line);
  return m ? m[1] : line;
}
