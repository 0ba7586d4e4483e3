import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';

/** The part of a child process the downloader uses (Node's ChildProcess fits it; so can a fake). */
export interface SpawnedProcess {
  readonly pid?: number;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
}

/** Starts programs in their own process group, so the whole tree (yt-dlp and its ffmpeg) can be stopped. */
export abstract class ProcessSpawner {
  /** Runs `command` with `args` as an argument array: never through a shell. `env` is added to the worker's. */
  abstract spawn(command: string, args: readonly string[], env?: Readonly<Record<string, string>>): SpawnedProcess;
  /** Sends a signal to every process of the group led by `pid`. */
  abstract signalGroup(pid: number, signal: NodeJS.Signals): void;
  /** Whether any process of the group can still run (and write files). */
  abstract isGroupAlive(pid: number): boolean;
}

export class NodeProcessSpawner extends ProcessSpawner {
  /**
   * `setpriv --pdeathsig KILL` when present: a worker that is SIGKILLed cannot stop the group it
   * started, so the kernel kills yt-dlp with it (its ffmpeg, if any, finishes writing into a work
   * folder the job's next attempt removes).
   */
  constructor(private readonly setpriv: string | null = findOnPath('setpriv')) {
    super();
  }

  spawn(command: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): SpawnedProcess {
    // a program that cannot be found is spawned as is, so the error names it (ENOENT), not setpriv
    const program = command.includes('/') ? (isExecutable(command) ? command : null) : findOnPath(command);
    const [cmd, argv] = this.setpriv && program ? [this.setpriv, ['--pdeathsig', 'KILL', '--', program, ...args]] : [command, [...args]];
    return spawn(cmd, argv, {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Python buffers a piped stdout; progress must arrive line by line, and titles in UTF-8.
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', ...env },
    });
  }

  signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(-pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  isGroupAlive(pid: number): boolean {
    const members = liveGroupMembers(pid);
    if (members !== null) return members.length > 0;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Processes of a group that are not zombies, from /proc (null where there is no /proc).
 * ffmpeg orphaned by a killed yt-dlp stays a zombie until init reaps it, which some inits do
 * only every second or so; a zombie writes nothing, so it does not count as alive.
 */
export function liveGroupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const live: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name (which may contain spaces): state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live.push(Number(entry));
  }
  return live;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | null {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find(isExecutable) ?? null;
}
