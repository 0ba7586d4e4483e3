import { execFile } from 'node:child_process';

/** What running `<path> <versionFlag>` found: the version line, or why the tool cannot run. */
export type ProbeResult = { ok: true; version: string } | { ok: false; reason: string };

/** Port: asks a tool binary for its version. */
export type ToolProbe = (path: string, versionArgs: readonly string[]) => Promise<ProbeResult>;

/** Runs the binary (never through a shell) with a short timeout and reads its first output line. */
export const execToolProbe: ToolProbe = (path, versionArgs) =>
  new Promise((resolve) => {
    execFile(path, [...versionArgs], { timeout: 15_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const reason = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : `does not run (${err.message.split('\n')[0].slice(0, 200)})`;
        resolve({ ok: false, reason });
        return;
      }
      resolve({ ok: true, version: String(stdout).split('\n')[0].trim().slice(0, 200) });
    });
  });
