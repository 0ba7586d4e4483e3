import type { ChildProcess } from 'node:child_process';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { submit, waitFinal } from '../downloads/support/jobs';

const MISSING = '/nonexistent/bin/yt-dlp';

/**
 * A job submitted while no worker can run it waits, queued, and says why; a worker without yt-dlp
 * says which tool it misses and takes nothing; a worker with the tool then completes the job.
 */
describe('jobs waiting for a worker', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let clip: string;
  let broken: ChildProcess | undefined;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway'] });
    clip = await makeClip({ seconds: 2, title: 'Waiting Clip' });
    media = await serveMedia(mediaRoot());
  }, 90_000);

  afterAll(async () => {
    broken?.kill('SIGKILL');
    await media?.close();
    await sys?.stop();
  });

  it('with no worker: health, stats and the job view say the job waits for one', async () => {
    const id = await submit(sys, { url: media.urlFor(clip) });
    const ready = await sys.api('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.workers).toBe(0);
    expect(ready.body.warnings[0]).toMatch(/No downloader worker is consuming downloader\.jobs/);
    const job = (await sys.api('GET', `/api/v1/download/${id}`)).body;
    expect(job).toMatchObject({ status: 'queued', waiting_for: 'worker', note: expect.stringMatching(/queued jobs wait/) });
    // queue depths are re-read at most every 2 s
    const stats = await waitFor(
      async () => {
        const s = (await sys.api('GET', '/api/v1/health/stats')).body;
        return s.queues['downloader.jobs'].messages === 1 ? s : undefined;
      },
      { timeoutMs: 10_000, what: 'the job in the queue' },
    );
    expect(stats.workers).toMatchObject({ count: 0, waiting_for_worker: true, tools: null });
    expect(stats.queues['downloader.jobs']).toEqual({ messages: 1, consumers: 0 });
    expect(stats.warnings[0]).toMatch(/No downloader worker/);
  });

  it('a worker with YTDLP_PATH at a missing binary is not ready, names it, and takes no job; a worker with yt-dlp completes it', async () => {
    const id = await submit(sys, { url: media.urlFor(clip), quality: 'audio' });
    const app = await sys.startApp('downloader-worker', { YTDLP_PATH: MISSING });
    broken = app.child;
    const readyUrl = `http://127.0.0.1:${app.metricsPort}/health/ready`;
    const notReady = await waitFor(
      async () => {
        const r = await fetch(readyUrl).catch(() => null);
        if (!r || r.status !== 503) return undefined;
        const body = (await r.json()) as { checks: { not_ready?: string; tools?: string } };
        return body.checks.tools === 'missing' ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'worker not ready' },
    );
    expect(notReady.checks.tools).toBe('missing');
    expect(notReady.checks.not_ready).toContain(`yt-dlp not found at YTDLP_PATH=${MISSING}`);
    await waitFor(() => sys.logsOf('downloader-worker').some((l) => l.includes('consuming download jobs')), { timeoutMs: 30_000, what: 'worker started' });
    // the worker answers tool questions while paused: stats show what it misses
    const stats = await waitFor(
      async () => {
        const s = (await sys.api('GET', '/api/v1/health/stats')).body;
        return s.workers.tools ? s : undefined;
      },
      { timeoutMs: 20_000, what: 'tools reported' },
    );
    expect(stats.workers.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'yt-dlp', path: MISSING, version: null, error: 'not found' }),
        expect.objectContaining({ name: 'ffmpeg', error: null }),
      ]),
    );
    expect(stats.warnings.join(' ')).toContain(`yt-dlp not found at ${MISSING}`);
    // paused: the job queue has no consumer, the jobs stay queued (not failed)
    expect(stats.queues['downloader.jobs'].consumers).toBe(0);
    for (const j of [id]) expect((await sys.api('GET', `/api/v1/download/${j}`)).body.status).toBe('queued');

    await sys.startApp('downloader-worker', {});
    const job = await waitFinal(sys, id, 90_000);
    expect({ status: job.status, error: job.error }).toEqual({ status: 'completed', error: null });
    expect(job.file_info.filepath).toMatch(/^audio\//);
    expect(broken.exitCode).toBeNull();
  }, 180_000);
});
