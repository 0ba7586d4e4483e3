import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MediaServer, makeClip, makeHls, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { partialEntries, processesMentioning, submit, waitFinal, waitStatus } from './support/jobs';

const OTHER_KEY = 'other-key-' + Math.random().toString(36).slice(2, 10);

/** DELETE /api/v1/download/{id} on queued, running and finished jobs; metadata with no worker. */
describe('cancel', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let slow: MediaServer;
  let clip: string;

  beforeAll(async () => {
    // no worker yet: jobs stay queued, and the worker started later never sees their cancel
    sys = await TestSystem.start({ apps: ['gateway'], env: { API_KEYS: OTHER_KEY } });
    clip = await makeClip({ seconds: 6, title: 'Cancel Clip' });
    media = await serveMedia(mediaRoot());
    slow = await serveMedia(mediaRoot(), { bytesPerSecond: 40_000 });
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await slow?.close();
    await sys?.stop();
  });

  it('answers 504 gateway_timeout for metadata when no worker is running', async () => {
    const started = Date.now();
    const r = await sys.api('GET', `/api/v1/metadata?url=${encodeURIComponent(media.urlFor(clip))}&timeout_sec=2`);
    expect(r.status).toBe(504);
    expect(r.body.error).toEqual({ code: 'gateway_timeout', message: expect.stringMatching(/No downloader worker answered within 2 s/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cancels a queued job at once, and a worker started later skips it', async () => {
    const unique = join(mediaRoot(), `queued-${Date.now()}.mp4`);
    copyFileSync(clip, unique);
    const id = await submit(sys, { url: media.urlFor(unique) });
    const other = { 'x-api-key': OTHER_KEY };
    expect((await sys.api('DELETE', `/api/v1/download/${id}`, undefined, other)).status).toBe(404);

    const r = await sys.api('DELETE', `/api/v1/download/${id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ request_id: id, status: 'cancelled', cancel_requested: true });
    const again = await sys.api('DELETE', `/api/v1/download/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already cancelled/) });

    await sys.startApp('downloader-worker');
    await sys.waitReady();
    await waitFor(() => sys.logsOf('downloader-worker').some((l) => l.includes(id) && l.includes('skipped')), {
      timeoutMs: 20_000,
      what: 'worker skips the job',
    });
    expect(sys.logsOf('downloader-worker').some((l) => l.includes(id) && l.includes('download started'))).toBe(false);
    expect(media.requests).not.toContain(new URL(media.urlFor(unique)).pathname);
    expect((await sys.api('GET', `/api/v1/download/${id}`)).body.status).toBe('cancelled');
    const logs = await waitFor(async () => (await sys.api('GET', `/api/v1/download/${id}/logs`)).body.logs, { what: 'logs of the skipped job' });
    expect(logs).toEqual(['Cancelled while queued: not started']);
  }, 60_000);

  it('stops a running yt-dlp download within 2 s, removes its partial files and reports cancelled', async () => {
    const hls = await makeHls(clip);
    const id = await submit(sys, { url: slow.urlFor(hls) });
    await waitStatus(sys, id, 'running', 30_000);
    const workDir = join(sys.storageDir, '.partial', id);
    await waitFor(() => processesMentioning(workDir).length > 0 && partialEntries(sys, id).length > 0, { timeoutMs: 20_000, what: 'yt-dlp writing' });

    const asked = Date.now();
    const r = await sys.api('DELETE', `/api/v1/download/${id}`);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ request_id: id, status: 'running', cancel_requested: true });
    const job = await waitStatus(sys, id, 'cancelled', 5000);
    const tookMs = Date.now() - asked;
    expect(tookMs).toBeLessThan(2000);
    expect(job.error_code).toBe('cancelled');
    expect(processesMentioning(workDir)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
    expect(existsSync(join(sys.storageDir, 'videos', `video-${id.slice(4)}.mp4`))).toBe(false);
    const logs = (await sys.api('GET', `/api/v1/download/${id}/logs`)).body.logs;
    expect(logs[logs.length - 1]).toMatch(/Cancelled/);
  }, 60_000);

  it('answers 409 for a finished job and 404 for a job of another key', async () => {
    const id = await submit(sys, { url: media.urlFor(clip) });
    expect((await waitFinal(sys, id)).status).toBe('completed');
    const r = await sys.api('DELETE', `/api/v1/download/${id}`);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/already completed/);
    expect((await sys.api('GET', `/api/v1/download/${id}`)).body.status).toBe('completed');
    expect((await sys.api('DELETE', `/api/v1/download/${id}`, undefined, { 'x-api-key': OTHER_KEY })).status).toBe(404);
    expect((await sys.api('DELETE', '/api/v1/download/req_nosuchjob000000')).status).toBe(404);
  }, 60_000);
});
