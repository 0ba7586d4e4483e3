import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
  /** Runs `command` with `args` as an argument array: never through a shell. */
  abstract spawn(command: string, args: readonly string[]): SpawnedProcess;
  /** Sends a signal to every process of the group led by `pid`. */
  abstract signalGroup(pid: number, signal: NodeJS.Signals): void;
  /** Whether any process of the group can still run (and write files). */
  abstract isGroupAlive(pid: number): boolean;
}

export class NodeProcessSpawner extends ProcessSpawner {
  spawn(command: string, args: readonly string[]): SpawnedProcess {
    return spawn(command, [...args], {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Python buffers a piped stdout; progress must arrive line by line, and titles in UTF-8.
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
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
