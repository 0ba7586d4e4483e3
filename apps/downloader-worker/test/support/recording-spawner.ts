import { NodeProcessSpawner } from '../../src/download/adapters/yt-dlp/process-spawner';

/** Remembers every process group it starts, to check that none is left behind. */
export class RecordingSpawner extends NodeProcessSpawner {
  readonly pids: number[] = [];
  override spawn(command: string, args: readonly string[], env?: Readonly<Record<string, string>>) {
    const child = super.spawn(command, args, env);
    if (child.pid) this.pids.push(child.pid);
    return child;
  }
}
