import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HTML_PAGE_PATH, MediaServer, makeClip, mediaRoot, serveMedia } from '@mda/testing';
import { TestSystem } from '../support/system';

const MDA = resolve(__dirname, '../../../cli/bin/mda.js');

function mda(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MDA, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The built `mda` (apps/cli) against the running system. */
describe('mda CLI', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let env: Record<string, string>;
  const out = mkdtempSync(join(tmpdir(), 'mda-cli-'));

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway', 'downloader-worker'] });
    media = await serveMedia(mediaRoot());
    env = { MDA_URL: sys.baseUrl, MDA_API_KEY: sys.apiKey };
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('download --wait saves the served clip and exits 0; status, list and webhooks print the job', async () => {
    const clip = await makeClip({ seconds: 2, title: 'CLI Clip' });
    const r = await mda(['download', media.urlFor(clip), '--wait', '--output', out, '--quality', 'best'], env);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    const saved = r.stdout.trim().split('\n').pop() as string;
    expect(saved.startsWith(out)).toBe(true);
    expect(readdirSync(out)).toHaveLength(1);
    expect(readFileSync(saved).equals(readFileSync(clip))).toBe(true);
    const id = /submitted (req_[a-z0-9]+)/.exec(r.stderr)?.[1] as string;
    expect(id).toBeDefined();

    const status = await mda(['status', id], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ request_id: id, status: 'completed' });
    const list = await mda(['list', '--status', 'completed'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).downloads.map((j: { request_id: string }) => j.request_id)).toContain(id);
    const hooks = await mda(['webhooks', id], env);
    expect(JSON.parse(hooks.stdout)).toMatchObject({ request_id: id, events: [] });
    // nothing dead to redeliver: the API's 409 is exit code 3, with its message
    const redeliver = await mda(['redeliver', id], env);
    expect(redeliver.code).toBe(3);
    expect(redeliver.stderr).toMatch(/API error 409: conflict/);
    const cancel = await mda(['cancel', id], env);
    expect(cancel.code).toBe(3);
    expect(cancel.stderr).toMatch(/API error 409/);
  }, 90_000);

  it('a failed download exits 1 with the error; an unknown job exits 3; a bad key exits 3', async () => {
    const r = await mda(['download', media.url + HTML_PAGE_PATH, '--wait', '--output', out], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/download failed: unsupported_url: This URL is not supported/);
    expect((await mda(['status', 'req_doesnotexist000'], env)).code).toBe(3);
    const bad = await mda(['list'], { ...env, MDA_API_KEY: 'wrong-key-0000000' });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/API error 401: unauthorized/);
  }, 90_000);
});
