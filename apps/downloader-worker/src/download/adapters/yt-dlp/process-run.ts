import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ProcessSpawner, SpawnedProcess } from './process-spawner';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessRunOptions {
  onStdout(line: string): void;
  onStderr(line: string): void;
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** Added to the program's environment (the egress proxy settings). */
  env?: Readonly<Record<string, string>>;
}

const POLL_MS = 20;

/** One running program, read line by line, that can be stopped together with its children. */
export class ProcessRun {
  /** Settles when the program has exited and its output has been read. */
  readonly exited: Promise<ProcessExit>;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly spawner: ProcessSpawner,
    private readonly child: SpawnedProcess,
    private readonly graceMs: number,
    opts: ProcessRunOptions,
  ) {
    this.exited = new Promise<ProcessExit>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    readLines(child.stdout, opts.onStdout);
    readLines(child.stderr, opts.onStderr);
  }

  static start(spawner: ProcessSpawner, command: string, args: readonly string[], opts: ProcessRunOptions): ProcessRun {
    return new ProcessRun(spawner, spawner.spawn(command, args, opts.env), opts.graceMs ?? 1000, opts);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * SIGTERM to the whole group, SIGKILL to what is left after the grace period. Resolves only
   * once no process of the group can write any more, so the caller may delete the files.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopGroup();
    return this.stopping;
  }

  private async stopGroup(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return; // never started (spawn error)
    const exited = this.exited.catch(() => undefined);
    // A group id stays reserved while any member lives; once all are gone it may be reused: do not signal it.
    if (!this.spawner.isGroupAlive(pid)) return void (await exited);
    this.spawner.signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + this.graceMs;
    while (Date.now() < deadline && this.spawner.isGroupAlive(pid)) await delay(POLL_MS);
    if (this.spawner.isGroupAlive(pid)) this.spawner.signalGroup(pid, 'SIGKILL');
    // SIGKILL cannot be ignored; the cap only guards against a process stuck in the kernel.
    const killDeadline = Date.now() + 5000;
    while (Date.now() < killDeadline && this.spawner.isGroupAlive(pid)) await delay(POLL_MS);
    await exited;
  }
}

function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (line.trim() !== '') onLine(line);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
