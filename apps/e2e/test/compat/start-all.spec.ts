import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestVhost, freePort, TestVhost, waitFor } from '@mda/testing';

const ROOT = resolve(__dirname, '../../../..');

/** `npm start` as people run it: settings from .env (the environment wins), Ctrl-C stops everything with exit 0. */
describe('scripts/start-all.mjs', () => {
  let vhost: TestVhost;
  let dir: string;

  beforeAll(async () => {
    vhost = await createTestVhost('startall');
    dir = mkdtempSync(join(tmpdir(), 'mda-startall-'));
  });

  afterAll(async () => {
    await vhost?.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the env file, lets the environment win, and exits 0 on SIGINT to its process group', async () => {
    const port = await freePort();
    const decoy = await freePort();
    const key = 'startall-key-' + Math.random().toString(36).slice(2, 10);
    const envFile = join(dir, '.env');
    // API_KEY and the store come only from the file; PORT is in both: the environment's wins
    writeFileSync(
      envFile,
      [`# as in .env.example`, `API_KEY=${key}`, `PORT=${decoy}`, `SQLITE_PATH=${join(dir, 'jobs.sqlite')}`, `STORAGE_DIR="${join(dir, 'storage')}"`, ''].join(
        '\n',
      ),
    );
    const child = spawn(process.execPath, ['scripts/start-all.mjs'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        ENV_FILE: envFile,
        AMQP_URL: vhost.amqpUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        SHUTDOWN_GRACE_SEC: '5',
        LOG_LEVEL: 'info',
      },
    });
    const out: string[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => out.push(b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/downloads`, { headers: { 'x-api-key': key } }).catch(() => null);
          return r?.status === 200;
        },
        { timeoutMs: 60_000, what: `gateway on ${port} with the key from the file\n${out.join('')}` },
      );
      await waitFor(() => out.join('').includes('consuming download jobs') && out.join('').includes('delivering webhooks'), {
        timeoutMs: 30_000,
        what: 'worker and sender consuming',
      });
      expect(out.join('')).toContain('environment wins for PORT');
      // a loopback URL is refused (ALLOW_PRIVATE_NETWORKS is off by default) with the fix named
      const refused = await fetch(`http://127.0.0.1:${port}/api/v1/download`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'http://127.0.0.1:9/clip.mp4' }),
      });
      const body = (await refused.json()) as { error: { code: string; message: string } };
      expect(refused.status).toBe(400);
      expect(body.error.code).toBe('forbidden_address');
      expect(body.error.message).toMatch(/NETWORK_ALLOWLIST/);
      expect(body.error.message).toMatch(/ALLOW_PRIVATE_NETWORKS=true/);

      // what a terminal's Ctrl-C does: SIGINT to the whole foreground process group
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 60_000).unref())]);
      const log = out.join('');
      if (code !== 0)
        console.log(
          log
            .split('\n')
            .filter((l) => !l.includes('"level":30'))
            .slice(-40)
            .join('\n'),
        );
      expect(code).toBe(0);
      expect(log).not.toContain('second signal');
      expect(log.match(/shut down cleanly/g)).toHaveLength(3);
      for (const app of ['gateway', 'downloader-worker', 'webhook-sender']) expect(log).toContain(`${app} exited (0)`);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  }, 150_000);
});
