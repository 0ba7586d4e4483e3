import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, waitFor } from '@mda/testing';
import type { AppName, TestSystem } from '../../support/system';

const ROOT = resolve(__dirname, '../../../../..');

/** One more process of a built app on the system's vhost and env: a second or third replica. */
export class Replica {
  readonly output: string[] = [];
  exitCode: number | null = null;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: AppName,
    readonly child: ChildProcess,
    readonly metricsPort: number,
  ) {
    const collect = (b: Buffer) => {
      for (const line of b.toString().split('\n')) if (line) this.output.push(line);
      if (this.output.length > 5000) this.output.splice(0, this.output.length - 5000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r((this.exitCode = code ?? (signal ? 128 : null)))));
  }

  static async start(sys: TestSystem, name: Exclude<AppName, 'gateway'>, env: Record<string, string> = {}): Promise<Replica> {
    const metricsPort = await freePort();
    const child = spawn(process.execPath, [join(ROOT, `dist/${name}/apps/${name}/src/main.js`)], {
      env: { ...sys.env, METRICS_PORT: String(metricsPort), ...env },
      cwd: sys.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Replica(name, child, metricsPort);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitConsuming(what: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      () => {
        if (!this.alive) throw new Error(`${this.name} exited: ${this.output.slice(-20).join('\n')}`);
        return this.output.some((l) => l.includes(what));
      },
      { timeoutMs, what: `${this.name} replica: ${what}`, intervalMs: 100 },
    );
  }

  /** Sends `signal` and resolves with the exit code (SIGKILL after 15 s). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (!this.alive) return this.exitCode;
    this.child.kill(signal);
    const force = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(force);
    return code;
  }
}
