import { readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileSignature } from '@mda/contracts';
import { MediaServer, makeClip, mediaRoot, serveMedia } from '@mda/testing';
import { TestSystem } from '../support/system';
import { submit, waitFinal } from './support/jobs';

const SECRET = 'files-secret-' + Math.random().toString(36).slice(2);

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET /files/{filepath}: signed links, API keys, Range, ETag, and nothing outside the media folder. */
describe('files', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let clip: string;
  let bytes: Buffer;
  let job: any;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway', 'downloader-worker'], env: { FILES_SIGNING_SECRET: SECRET } });
    clip = await makeClip({ seconds: 2, title: 'Files Clip' });
    bytes = readFileSync(clip);
    media = await serveMedia(mediaRoot());
    job = await waitFinal(sys, await submit(sys, { url: media.urlFor(clip) }));
    expect(job.status).toBe('completed');
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
  });

  const path = () => `/files/${job.file_info.filepath}`;
  const signed = (filepath: string, expires: number, secret = SECRET) =>
    `/files/${filepath}?expires=${expires}&signature=${fileSignature(secret, filepath, expires)}`;

  it('serves the file on the signed download_url, without a key, with its headers', async () => {
    expect(job.file_info.download_url.startsWith(`${sys.baseUrl}/files/${job.file_info.filepath}?expires=`)).toBe(true);
    const res = await fetch(job.file_info.download_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f-]+"$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('serves with an API key instead of a signature, and refuses a request with neither', async () => {
    const withKey = await sys.api('GET', path());
    expect(withKey.status).toBe(200);
    const none = await fetch(`${sys.baseUrl}${path()}`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('unauthorized');
    expect((await fetch(`${sys.baseUrl}${path()}`, { headers: { 'x-api-key': 'not-a-key-123' } })).status).toBe(401);
  });

  it('refuses expired, tampered and other-file signatures with 401', async () => {
    const fp = job.file_info.filepath as string;
    const now = Math.floor(Date.now() / 1000);
    const expired = await fetch(`${sys.baseUrl}${signed(fp, now - 5)}`);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as any).error.message).toMatch(/expired/);
    expect((await fetch(`${sys.baseUrl}${signed(fp, now + 600)}`)).status).toBe(200);
    const url = new URL(job.file_info.download_url);
    const sig = url.searchParams.get('signature')!;
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect((await fetch(`${sys.baseUrl}${path()}?expires=${url.searchParams.get('expires')}&signature=${flipped}`)).status).toBe(401);
    expect((await fetch(`${sys.baseUrl}${path()}?expires=${Number(url.searchParams.get('expires')) + 1}&signature=${sig}`)).status).toBe(401);
    expect((await fetch(`${sys.baseUrl}${signed(fp, now + 600, 'wrong-secret')}`)).status).toBe(401);
    writeFileSync(join(sys.storageDir, 'videos', 'other.mp4'), 'x');
    expect((await fetch(`${sys.baseUrl}/files/videos/other.mp4${url.search}`)).status).toBe(401);
  });

  it('answers Range requests with 206 and unsatisfiable ones with 416', async () => {
    const get = (range: string, extra: Record<string, string> = {}) => fetch(job.file_info.download_url, { headers: { range, ...extra } });
    const first = await get('bytes=0-99');
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(first.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await first.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
    const suffix = await get('bytes=-10');
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const open = await get(`bytes=${bytes.length - 5}-`);
    expect(open.headers.get('content-range')).toBe(`bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`);
    const beyond = await get(`bytes=${bytes.length}-`);
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    const etag = first.headers.get('etag')!;
    expect((await fetch(job.file_info.download_url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const stale = await get('bytes=0-9', { 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect(Buffer.from(await stale.arrayBuffer()).length).toBe(bytes.length);
  });

  it.each([
    ['/files/../jobs.sqlite'],
    ['/files/videos/../../jobs.sqlite'],
    ['/files/%2e%2e/jobs.sqlite'],
    ['/files/videos/%2E%2E/%2e%2e/jobs.sqlite'],
    ['/files/videos%2f..%2f..%2fjobs.sqlite'],
    ['/files/videos%5c..%5c..%5cjobs.sqlite'],
    ['/files//etc/passwd'],
    ['/files/%2fetc%2fpasswd'],
    ['/files/.partial/x'],
    ['/files/videos/evil.mp4'],
    ['/files/outside-dir/passwd'],
    ['/files/videos/nothing-here.mp4'],
  ])('serves nothing outside the media folder: %s', async (p) => {
    // symlinks that point out of the folder (a file and a directory)
    const evil = join(sys.storageDir, 'videos', 'evil.mp4');
    try {
      symlinkSync('/etc/passwd', evil);
      symlinkSync('/etc', join(sys.storageDir, 'outside-dir'));
    } catch {
      /* made by an earlier case */
    }
    mkdirSync(join(sys.storageDir, '.partial', 'x'), { recursive: true });
    const r = await rawGet(sys.baseUrl, p, { 'x-api-key': sys.apiKey });
    expect([400, 404]).toContain(r.status);
    expect(r.body).not.toMatch(/root:/);
    expect(JSON.parse(r.body).error.code).toMatch(/validation_error|not_found/);
  });
});
