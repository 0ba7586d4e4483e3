import { METRICS } from '@mda/contracts';
import { Logger, gaugeOf } from '@mda/observability';
import { ProcessRun } from '../download/adapters/yt-dlp/process-run';
import { ProcessSpawner } from '../download/adapters/yt-dlp/process-spawner';

/** The `version` label of a tool that did not start or answered something unreadable. */
export const VERSION_UNAVAILABLE = 'unavailable';

export interface ToolVersion {
  tool: 'yt-dlp' | 'ffmpeg';
  version: string;
}

export interface ToolPaths {
  ytdlpPath: string;
  ffmpegPath: string;
}

/** `yt-dlp --version` prints the version alone on its first line (2023.03.04, 2026.10.26, 2024.08.06.232658...). */
export function parseYtDlpVersion(lines: readonly string[]): string | undefined {
  const first = lines[0]?.trim() ?? '';
  return /^\d{4}\.\d{2}\.\d{2}(\.\d+)?$/.test(first) ? first : undefined;
}

/** `ffmpeg -version` starts with "ffmpeg version 5.1.9-0+deb12u1 Copyright ..." (or "N-12345-g..." for git builds). */
export function parseFfmpegVersion(lines: readonly string[]): string | undefined {
  return /^ffmpeg version (\S+)/.exec(lines[0] ?? '')?.[1];
}

/** Runs `command args` through the spawner, returns its stdout lines, or undefined when it fails or outlasts `timeoutMs`. */
async function outputOf(spawner: ProcessSpawner, command: string, args: readonly string[], timeoutMs: number): Promise<string[] | undefined> {
  const lines: string[] = [];
  let run: ProcessRun;
  try {
    run = ProcessRun.start(spawner, command, args, { onStdout: (l) => lines.push(l), onStderr: () => undefined, graceMs: 200 });
  } catch {
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const exit = await Promise.race([run.exited, timedOut]);
    if (exit === 'timeout') {
      await run.stop();
      return undefined;
    }
    return exit.code === 0 ? lines : undefined;
  } catch {
    return undefined; // spawn error: not found, not executable
  } finally {
    clearTimeout(timer);
  }
}

/** The versions of the yt-dlp and ffmpeg this worker runs, asked once from the programs themselves. */
export async function readToolVersions(spawner: ProcessSpawner, paths: ToolPaths, timeoutMs = 15_000): Promise<ToolVersion[]> {
  const [ytdlp, ffmpeg] = await Promise.all([
    outputOf(spawner, paths.ytdlpPath, ['--version'], timeoutMs),
    outputOf(spawner, paths.ffmpegPath, ['-version'], timeoutMs),
  ]);
  return [
    { tool: 'yt-dlp', version: (ytdlp && parseYtDlpVersion(ytdlp)) ?? VERSION_UNAVAILABLE },
    { tool: 'ffmpeg', version: (ffmpeg && parseFfmpegVersion(ffmpeg)) ?? VERSION_UNAVAILABLE },
  ];
}

const toolInfo = gaugeOf(METRICS.toolInfo);

/** Sets `mda_tool_info{tool,version} 1` for each tool and logs what it found (a missing tool as a warning). */
export async function reportToolVersions(spawner: ProcessSpawner, paths: ToolPaths, logger: Logger, timeoutMs?: number): Promise<ToolVersion[]> {
  const versions = await readToolVersions(spawner, paths, timeoutMs);
  for (const v of versions) {
    toolInfo.set({ tool: v.tool, version: v.version }, 1);
    if (v.version === VERSION_UNAVAILABLE) logger.warn({ tool: v.tool }, 'tool did not report its version: downloads that need it will fail');
  }
  logger.info({ tools: Object.fromEntries(versions.map((v) => [v.tool, v.version])) }, 'tool versions');
  return versions;
}
