/**
 * Integration tier: the real ffprobe, ffmpeg and yt-dlp configured by an egress session, against a
 * server on 127.0.0.2 (allowlisted) that points at a secret one on 127.0.0.1 (refused).
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EgressPolicy } from '@mda/net-guard';
import { LocalServer, makeClip, makeHls, startLocalServer } from '@mda/testing';
import { FfprobeMediaProbe } from '../download/adapters/ffprobe-media-probe';
import { ProxyEgress, refusalReason } from './proxy-egress';

interface Hit {
  path: string;
  via?: string;
}

async function serve(host: string, files: Map<string, Buffer>): Promise<LocalServer & { hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = await startLocalServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits.push({ path, via: req.headers['via'] });
    const body = files.get(path);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  }, host);
  return Object.assign(server, { hits });
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (err, _stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stderr: String(stderr) }),
    );
  });
}

describe('ProxyEgress with the real tools', () => {
  let egress: ProxyEgress;
  let secret: Awaited<ReturnType<typeof serve>>;
  let allowed: Awaited<ReturnType<typeof serve>>;
  const secretFiles = new Map<string, Buffer>();
  const allowedFiles = new Map<string, Buffer>();
  let workDir: string;

  beforeAll(async () => {
    const clip = await makeClip({ seconds: 2, width: 160, height: 120, title: 'Proxied' });
    const index = await makeHls(clip);
    secretFiles.set('/clip.mp4', readFileSync(clip));
    allowedFiles.set('/clip.mp4', readFileSync(clip));
    for (const f of readdirSync(dirname(index)).filter((n) => n.endsWith('.ts'))) secretFiles.set(`/${f}`, readFileSync(join(dirname(index), f)));
    secret = await serve('127.0.0.1', secretFiles);
    allowed = await serve('127.0.0.2', allowedFiles);
    allowedFiles.set('/media.m3u8', Buffer.from(readFileSync(index, 'utf8').replace(/^(?!#)(\S+\.ts)$/gm, `${secret.url}/$1`)));
    egress = await ProxyEgress.start(EgressPolicy.publicOnly('127.0.0.2/32'));
    workDir = await mkdtemp(join(tmpdir(), 'mda-egress-int-'));
  }, 60_000);

  afterAll(async () => {
    await egress.close();
    await secret.close();
    await allowed.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('ffprobe reads an allowed URL through the proxy', async () => {
    const session = egress.open('probe ok');
    const probed = await new FfprobeMediaProbe('ffprobe').probe(`${allowed.url}/clip.mp4`, session);
    session.close();
    expect(probed).toMatchObject({ title: 'Proxied', width: 160, height: 120 });
    expect(allowed.hits.filter((h) => h.path === '/clip.mp4').every((h) => h.via?.includes('mda-egress'))).toBe(true);
    expect(session.refusal()).toBeUndefined();
  });

  it('ffprobe cannot reach a refused address, and the session names it', async () => {
    const session = egress.open('probe refused');
    await expect(new FfprobeMediaProbe('ffprobe').probe(`${secret.url}/clip.mp4`, session)).rejects.toThrow();
    expect(session.refusal()).toMatchObject({ host: '127.0.0.1', range: 'loopback' });
    expect(secret.hits).toEqual([]);
  });

  it('refuses to probe a URL without an egress session', async () => {
    await expect(new FfprobeMediaProbe('ffprobe').probe(`${allowed.url}/clip.mp4`)).rejects.toThrow('egress proxy');
  });

  it('yt-dlp hands the proxy to ffmpeg when ffmpeg downloads HLS: secret segments are refused', async () => {
    const session = egress.open('job hls-ffmpeg');
    const command = session.command('yt-dlp', [
      '--ignore-config',
      '--no-cache-dir',
      '--downloader',
      'ffmpeg',
      '-P',
      workDir,
      '-o',
      'out.%(ext)s',
      '--',
      `${allowed.url}/media.m3u8`,
    ]);
    const { code } = await run('yt-dlp', command.args, command.env);
    session.close();
    expect(allowed.hits.some((h) => h.path === '/media.m3u8' && h.via?.includes('mda-egress'))).toBe(true);
    expect(session.refusal()).toMatchObject({ host: '127.0.0.1', range: 'loopback' });
    expect(code).not.toBe(0);
    expect(secret.hits).toEqual([]);
  }, 90_000);

  it('checkUrls records what the policy refuses without fetching it', async () => {
    const session = egress.open('query');
    await session.checkUrls([`${allowed.url}/clip.mp4`, 'https://93.184.216.34/x', 'not a url']);
    expect(session.refusal()).toBeUndefined();
    await session.checkUrls([`http://localhost:${secret.port}/clip.mp4`, `${secret.url}/clip.mp4`]);
    expect(session.refusal()?.message).toMatch(/^refusing to connect to (localhost|127\.0\.0\.1)/);
    expect(secret.hits).toEqual([]);
  });

  it('labels refusals with a bounded reason', () => {
    expect(refusalReason('loopback')).toBe('loopback');
    expect(refusalReason('ipv4Mapped:private')).toBe('private');
    expect(refusalReason('something-new')).toBe('other');
  });
});
