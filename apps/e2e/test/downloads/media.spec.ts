import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { HTML_PAGE_PATH, MediaServer, makeClip, makeHls, makeSeparateStreams, mediaRoot, serveMedia } from '@mda/testing';
import { TestSystem } from '../support/system';
import { partialEntries, probe, submit, waitFinal } from './support/jobs';

/** What users send, downloaded through the whole system: HLS, separate streams, audio only, failures. */
describe('downloads through the system', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { MAX_FILE_SIZE_MB: '1' }, apps: ['gateway', 'downloader-worker'] });
    clip = await makeClip({ seconds: 3, title: 'Media Clip' });
    media = await serveMedia(mediaRoot());
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
  });

  const stored = (job: any) => join(sys.storageDir, job.file_info.filepath);

  it('downloads an HLS stream with yt-dlp into one mp4', async () => {
    const hls = await makeHls(clip);
    const id = await submit(sys, { url: media.urlFor(hls) });
    const job = await waitFinal(sys, id);
    expect(job.status).toBe('completed');
    expect(job.file_info.filepath).toBe(`videos/video-${id.slice(4)}.mp4`);
    const p = await probe(stored(job));
    expect(p.duration).toBeGreaterThan(2.5);
    expect(p.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(job.metadata.duration).toBeGreaterThan(2.5);
    expect(partialEntries(sys, id)).toEqual([]);
  });

  it('merges separate video and audio streams (DASH) into one file', async () => {
    const { manifestPath } = await makeSeparateStreams({ seconds: 3, title: 'Split Clip' });
    const id = await submit(sys, { url: media.urlFor(manifestPath), video_format: 'mkv' });
    const job = await waitFinal(sys, id);
    expect(job.status).toBe('completed');
    expect(job.file_info.filepath).toMatch(/\.mkv$/);
    const p = await probe(stored(job));
    expect(p.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(p.duration).toBeGreaterThan(2.5);
  });

  it('extracts audio only to mp3 under audio/', async () => {
    const id = await submit(sys, { url: media.urlFor(clip), quality: 'audio', audio_format: 'mp3' });
    const job = await waitFinal(sys, id);
    expect(job.status).toBe('completed');
    expect(job.file_info.filepath).toBe(`audio/audio-${id.slice(4)}.mp3`);
    const p = await probe(stored(job));
    expect(p.streams).toEqual([expect.objectContaining({ codec_type: 'audio', codec_name: 'mp3' })]);
    expect(p.duration).toBeGreaterThan(2.5);
  });

  it.each([
    ['a missing file', '/no-such-file.mp4', 'not_found'],
    ['an HTML page without media', HTML_PAGE_PATH, 'unsupported_url'],
  ])('fails %s with a clear error class', async (_name, path, code) => {
    const id = await submit(sys, { url: `${media.url}${path}` });
    const job = await waitFinal(sys, id);
    expect(job.status).toBe('failed');
    expect(job.error_code).toBe(code);
    expect(job.error).toMatch(code === 'not_found' ? /not available/i : /not supported/i);
    const logs = (await sys.api('GET', `/api/v1/download/${id}/logs`)).body;
    expect(logs.logs[logs.logs.length - 1]).toMatch(/^ERROR: /);
  });

  it('refuses a source larger than MAX_FILE_SIZE_MB while downloading (too_large), leaving nothing', async () => {
    const big = join(mediaRoot(), 'big.mp4');
    writeFileSync(big, randomBytes(1024 * 1024 + 4096));
    const chunked = await serveMedia(mediaRoot(), { omitContentLength: true });
    try {
      for (const url of [media.urlFor(big), chunked.urlFor(big)]) {
        const id = await submit(sys, { url });
        const job = await waitFinal(sys, id);
        expect(job.status).toBe('failed');
        expect(job.error_code).toBe('too_large');
        expect(job.error).toMatch(/larger than the limit|too large/i);
        expect(partialEntries(sys, id)).toEqual([]);
        expect(existsSync(join(sys.storageDir, 'videos', `video-${id.slice(4)}.mp4`))).toBe(false);
      }
    } finally {
      await chunked.close();
    }
  });

  it('expands path_template with a hostile title into a safe path inside the media folder', async () => {
    const hostile = await makeClip({ seconds: 1, title: '../../etc/passwd \u202egpj.exe' });
    const id = await submit(sys, { url: media.urlFor(hostile), path_template: 'by-title/{title}/{safe_title}-{id}.{ext}' });
    const job = await waitFinal(sys, id);
    expect(job.status).toBe('completed');
    const filepath: string = job.file_info.filepath;
    expect(filepath.split('/')).toHaveLength(3);
    expect(filepath.split('/').every((s) => s !== '..' && s !== '.' && !s.startsWith('.'))).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(filepath).not.toMatch(/[\u202e\u0000-\u001f]/);
    expect(filepath).toMatch(new RegExp(`^by-title/[^/]+/etc_passwd_gpj\\.exe-${id.slice(4)}\\.mp4$`));
    expect(resolve(stored(job)).startsWith(resolve(sys.storageDir) + sep)).toBe(true);
    expect(existsSync(stored(job))).toBe(true);
    const file = await fetch(job.file_info.download_url);
    expect(file.status).toBe(200);
  });

  it.each([['../{id}'], ['/abs/{id}'], ['{id}/{nope}'], ['a/.hidden/{id}']])('refuses path_template %p at submit with 400', async (template) => {
    const r = await sys.api('POST', '/api/v1/download', { url: media.urlFor(clip), path_template: template });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_error');
    expect(r.body.error.message).toMatch(/path_template/);
  });

  it('keeps the downloader log of a job, bounded, for its owner only', async () => {
    const id = await submit(sys, { url: media.urlFor(clip) });
    await waitFinal(sys, id);
    const r = await sys.api('GET', `/api/v1/download/${id}/logs`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ request_id: id, status: 'completed' });
    expect(r.body.logs.length).toBeGreaterThan(0);
    expect(r.body.logs.length).toBeLessThanOrEqual(500);
    expect(r.body.logs.join('\n')).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/.*-> 200/);
    expect((await sys.api('GET', `/api/v1/download/req_doesnotexist00/logs`)).status).toBe(404);
    expect((await sys.api('GET', `/api/v1/download/${id}/logs`, undefined, { 'x-api-key': 'wrong-key-123' })).status).toBe(401);
  });

  it('answers metadata without downloading, from a worker over the broker', async () => {
    const before = media.requests.length;
    const r = await sys.api('GET', `/api/v1/metadata?url=${encodeURIComponent(media.urlFor(clip))}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ title: 'Media Clip', extractor: 'generic' });
    expect(r.body.duration).toBeCloseTo(3, 0);
    expect(r.body.formats.length).toBeGreaterThan(0);
    expect(media.requests.length).toBeGreaterThan(before);
    const page = await sys.api('GET', `/api/v1/metadata?url=${encodeURIComponent(media.url + HTML_PAGE_PATH)}`);
    expect(page.status).toBe(400);
    expect(page.body.error).toMatchObject({ code: 'invalid_url', message: expect.stringMatching(/not supported/i) });
    expect((await sys.api('GET', '/api/v1/metadata')).status).toBe(400);
    expect((await sys.api('GET', `/api/v1/metadata?url=${encodeURIComponent('ftp://127.0.0.1/x')}`)).status).toBe(400);
  });
});
