import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MediaServer, makeClip, mediaRoot, serveMedia } from '@mda/testing';
import { TestSystem } from '../support/system';
import { probe, submit, waitFinal } from '../downloads/support/jobs';

const ROOT = resolve(__dirname, '../../../..');
const ALLOWED_ORIGIN = 'http://app.localhost:3000';

/** A script written for the original service: its request fields, /version, /health/stats, CORS. */
describe("the original service's clients, unchanged", () => {
  let sys: TestSystem;
  let media: MediaServer;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { CORS_ORIGINS: `${ALLOWED_ORIGIN},https://other.example` }, apps: ['gateway', 'downloader-worker'] });
    clip = await makeClip({ seconds: 2, title: 'Compat Clip' });
    media = await serveMedia(mediaRoot());
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
  });

  it('audio_only: true with audio_quality yields an audio file at that bitrate', async () => {
    const id = await submit(sys, { url: media.urlFor(clip), audio_only: true, audio_quality: 128, ignore_errors: true });
    const job = await waitFinal(sys, id);
    expect({ status: job.status, error: job.error }).toEqual({ status: 'completed', error: null });
    expect(job.file_info.filepath).toBe(`audio/audio-${id.slice(4)}.mp3`);
    const p = await probe(join(sys.storageDir, job.file_info.filepath));
    expect(p.streams).toEqual([expect.objectContaining({ codec_type: 'audio', codec_name: 'mp3' })]);
    const logs: string[] = (await sys.api('GET', `/api/v1/download/${id}/logs`)).body.logs;
    expect(logs.join('\n')).toMatch(/-b:a 128k|128K/);
  });

  it('write_info_json, embed_thumbnail, subtitle_format and auto_subtitles are accepted and passed to yt-dlp', async () => {
    const id = await submit(sys, { url: media.urlFor(clip), write_info_json: true, embed_thumbnail: true, auto_subtitles: true, subtitle_format: 'srt' });
    const job = await waitFinal(sys, id);
    expect({ status: job.status, error: job.error }).toEqual({ status: 'completed', error: null });
    const logs: string[] = (await sys.api('GET', `/api/v1/download/${id}/logs`)).body.logs;
    // yt-dlp's own log of the info json it wrote (keeping it as a listed sidecar is file_info.files' part)
    expect(logs.join('\n')).toMatch(/Writing video metadata as JSON to/);
  });

  it('rejects the original fields out of range with messages that name the field once', async () => {
    const r = await sys.api('POST', '/api/v1/download', { url: media.urlFor(clip), audio_quality: 64 });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('audio_quality must be a bitrate in kbps from 96 to 320');
    const bad = await sys.api('POST', '/api/v1/download', { url: 'ftp://127.0.0.1/x' });
    expect(bad.body.error.message.match(/must be an http or https URL/g)).toHaveLength(1);
  });

  it('batch: accepts the original fields and names the bad item by its index', async () => {
    const urls = [media.urlFor(clip), `${media.url}/a.mp4`, `${media.url}/b.mp4`, 'ftp://127.0.0.1/c.mp4'];
    const r = await sys.api('POST', '/api/v1/batch/download', { urls, audio_only: true, ignore_errors: true });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'validation_error', message: 'urls[3] must be an http or https URL', details: [{ field: 'urls[3]' }] });
    const ok = await sys.api('POST', '/api/v1/batch/download', { urls: urls.slice(0, 1), audio_only: true, ignore_errors: true, embed_thumbnail: false });
    expect(ok.status).toBe(202);
    const child = (await sys.api('GET', `/api/v1/batch/${ok.body.batch_id}`)).body;
    expect(JSON.stringify(child)).toContain('req_');
  });

  it('GET /version names the project version and the worker tools', async () => {
    const r = await sys.api('GET', '/version', undefined, { 'x-api-key': '' });
    expect(r.status).toBe(200);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(r.body).toMatchObject({
      name: 'media-download-api',
      version: pkg.version,
      api_version: 'v1',
      yt_dlp_version: expect.stringMatching(/^\d{4}\.\d\d\.\d\d/),
      ffmpeg_version: expect.stringMatching(/^\d/),
    });
  });

  it('GET /api/v1/health/stats: job counts by status, queue depths, workers with their tools, disk', async () => {
    const r = await sys.api('GET', '/api/v1/health/stats');
    expect(r.status).toBe(200);
    const s = r.body;
    expect(s.jobs.completed).toBeGreaterThanOrEqual(2);
    expect(s.jobs.total).toBe(s.jobs.queued + s.jobs.running + s.jobs.completed + s.jobs.failed + s.jobs.cancelled);
    expect(s.queues['downloader.jobs']).toEqual({ messages: expect.any(Number), consumers: 1 });
    expect(s.queues['webhooks.dead']).toEqual({ messages: 0, consumers: expect.any(Number) });
    expect(s.workers).toMatchObject({ count: 1, waiting_for_worker: false });
    expect(s.workers.tools.map((t: { name: string }) => t.name)).toEqual(['yt-dlp', 'ffmpeg']);
    expect(s.workers.tools.every((t: { version: string | null; error: string | null }) => t.version && t.error === null)).toBe(true);
    expect(s.disk.total_bytes).toBeGreaterThan(s.disk.free_bytes);
    expect(s.disk.path).toBe(resolve(sys.storageDir));
    expect(s.warnings).toEqual([]);
  });

  it('CORS: answers a listed origin’s preflight before the key check, and not another’s', async () => {
    const preflight = (origin: string) =>
      fetch(`${sys.baseUrl}/api/v1/download`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
      });
    const ok = await preflight(ALLOWED_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const denied = await preflight('http://evil.localhost:3000');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const get = await sys.api('GET', '/api/v1/downloads', undefined, { origin: ALLOWED_ORIGIN });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });
});

describe('CORS off by default', () => {
  it('answers no preflight and sends no CORS header without CORS_ORIGINS', async () => {
    const sys = await TestSystem.start({ apps: ['gateway'] });
    try {
      const r = await fetch(`${sys.baseUrl}/api/v1/download`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
      });
      expect(r.status).toBe(404);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await sys.stop();
    }
  }, 60_000);
});
