import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestVhost, createTestVhost, freePort, waitFor } from '@mda/testing';
import { watchGateway } from './contract';

export type AppName = 'gateway' | 'downloader-worker' | 'webhook-sender';
const ROOT = resolve(__dirname, '../../../..');

export interface RunningApp {
  name: AppName;
  child: ChildProcess;
  output: string[];
  metricsPort?: number;
}

export interface SystemOptions {
  env?: Record<string, string>;
  apps?: AppName[];
  /** Extra env per app. */
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  /**
   * Runs the gateway through this inline launcher (`node -e`, given MDA_DIST and a stdin pipe)
   * instead of its main.js: e.g. PAUSABLE_GATEWAY, whose consumers a test can pause.
   */
  gatewayLauncher?: string;
}

/** The three built apps as real processes on a vhost of their own, bound to 127.0.0.1. */
export class TestSystem {
  readonly apiKey = 'test-key-' + Math.random().toString(36).slice(2, 12);
  readonly dir = mkdtempSync(join(tmpdir(), 'mda-e2e-'));
  readonly storageDir = join(this.dir, 'storage');
  vhost!: TestVhost;
  port!: number;
  baseUrl!: string;
  env: Record<string, string> = {};
  private gatewayLauncher?: string;
  readonly apps = new Map<AppName, RunningApp>();
  /** More gateway processes on the same broker and store (startGatewayReplica). */
  readonly replicas: RunningApp[] = [];

  static async start(opts: SystemOptions = {}): Promise<TestSystem> {
    const s = new TestSystem();
    try {
      await s.init(opts);
    } catch (err) {
      // a failed start must not leave app processes behind (jest would never exit)
      await s.stop().catch(() => undefined);
      throw err;
    }
    return s;
  }

  private async init(opts: SystemOptions): Promise<void> {
    this.gatewayLauncher = opts.gatewayLauncher;
    this.vhost = await createTestVhost('e2e');
    this.port = await freePort();
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    watchGateway(this.baseUrl);
    this.env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      API_KEY: this.apiKey,
      AMQP_URL: this.vhost.amqpUrl,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: this.baseUrl,
      STORAGE_DIR: this.storageDir,
      SQLITE_PATH: join(this.dir, 'jobs.sqlite'),
      ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'info',
      WEBHOOK_TIMEOUT_SEC: '5',
      SHUTDOWN_GRACE_SEC: '5',
      // tests poll the API hard; the rate-limit tests set their own limits
      RATE_LIMIT_RPS: '100000',
      RATE_LIMIT_BURST: '100000',
      RATE_LIMIT_AUTH_FAILURE_BURST: '100000',
      RATE_LIMIT_FILES_BURST: '100000',
      ...opts.env,
    };
    for (const app of opts.apps ?? (['gateway', 'downloader-worker', 'webhook-sender'] as AppName[])) {
      await this.startApp(app, opts.appEnv?.[app]);
    }
    await this.waitReady();
  }

  /** Another gateway on its own port, sharing the broker and the store (DATABASE_URL); ready when this returns. */
  async startGatewayReplica(extraEnv: Record<string, string> = {}): Promise<{ app: RunningApp; baseUrl: string }> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist/gateway/apps/gateway/src/main.js')], {
      env: { ...this.env, PORT: String(port), ...extraEnv },
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const collect = (b: Buffer) => {
      for (const line of b.toString().split('\n')) if (line) output.push(line);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const app: RunningApp = { name: 'gateway', child, output };
    this.replicas.push(app);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway replica exited: ${output.slice(-20).join('\n')}`);
        return (await fetch(`${baseUrl}/health/ready`).catch(() => undefined))?.ok;
      },
      { timeoutMs: 30_000, what: 'gateway replica ready', intervalMs: 100 },
    );
    return { app, baseUrl };
  }

  async startApp(name: AppName, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
    const metricsPort = name === 'gateway' ? undefined : await freePort();
    const env = { ...this.env, ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}), ...extraEnv };
    const launcher = name === 'gateway' ? this.gatewayLauncher : undefined;
    const child = launcher
      ? spawn(process.execPath, ['-e', launcher], { env: { ...env, MDA_DIST: join(ROOT, 'dist/gateway') }, cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, [join(ROOT, `dist/${name}/apps/${name}/src/main.js`)], { env, cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const collect = (b: Buffer) => {
      for (const line of b.toString().split('\n')) if (line) output.push(line);
      if (output.length > 100_000) output.splice(0, output.length - 100_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const app = { name, child, output, metricsPort };
    this.apps.set(name, app);
    return app;
  }

  /** Three apps starting at once on a loaded 2-core machine can take over 30 s: the bound is generous (each app; beforeAll hooks allow 60 s or more). */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    for (const app of this.apps.values()) {
      if (app.child.exitCode !== null) throw new Error(`${app.name} exited: ${app.output.slice(-30).join('\n')}`);
      const url = app.name === 'gateway' ? `${this.baseUrl}/health/ready` : `http://127.0.0.1:${app.metricsPort}/health/ready`;
      await waitFor(
        async () => {
          if (app.child.exitCode !== null) throw new Error(`${app.name} exited: ${app.output.slice(-20).join('\n')}`);
          const res = await fetch(url);
          if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
          return true;
        },
        { timeoutMs, what: `${app.name} ready`, intervalMs: 100 },
      );
    }
    // readiness says the broker is up; give consumers their queues before tests publish
    await waitFor(async () => this.logsOf('downloader-worker').some((l) => l.includes('consuming download jobs')) || !this.apps.has('downloader-worker'), {
      timeoutMs,
      what: 'worker consuming',
    });
    await waitFor(async () => this.logsOf('webhook-sender').some((l) => l.includes('delivering webhooks')) || !this.apps.has('webhook-sender'), {
      timeoutMs,
      what: 'sender consuming',
    });
    await waitFor(async () => this.logsOf('gateway').some((l) => l.includes('consuming download events')) || !this.apps.has('gateway'), {
      timeoutMs,
      what: 'gateway consuming',
    });
  }

  logsOf(name: AppName): string[] {
    return this.apps.get(name)?.output ?? [];
  }

  async kill(name: AppName, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const app = this.apps.get(name);
    // a process killed by a signal has exitCode null and signalCode set: it is gone all the same
    if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return app?.child.exitCode ?? null;
    const exited = new Promise<number | null>((r) => app.child.once('exit', (code) => r(code)));
    app.child.kill(signal);
    const force = setTimeout(() => app.child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(force);
    return code;
  }

  async api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': this.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all([...this.apps.keys()].map((n) => this.kill(n, 'SIGTERM')));
    await this.vhost?.dispose().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
