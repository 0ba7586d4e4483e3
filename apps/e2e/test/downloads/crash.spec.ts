import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MediaServer, makeClip, makeHls, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { partialEntries, processesMentioning, submit, waitFinal, waitStatus } from './support/jobs';

const started = (sys: TestSystem, id: string) => sys.logsOf('downloader-worker').filter((l) => l.includes(id) && l.includes('download started')).length;

/** A worker killed or stopped mid-download loses nothing and leaves no partial files. */
describe('worker crash and shutdown', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway', 'downloader-worker'], env: { SHUTDOWN_GRACE_SEC: '1' } });
    clip = await makeClip({ seconds: 4, title: 'Crash Clip' });
    // about 3 s per download
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 3) });
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
  });

  it('redelivers a job whose worker was SIGKILLed mid-download; the next worker completes it with no partial file left', async () => {
    const id = await submit(sys, { url: media.urlFor(clip) });
    await waitStatus(sys, id, 'running');
    await waitFor(() => partialEntries(sys, id).length > 0, { what: 'partial file written' });
    expect(await sys.kill('downloader-worker', 'SIGKILL')).toBeNull();
    expect(partialEntries(sys, id).length).toBeGreaterThan(0); // the killed worker could not clean up

    await sys.startApp('downloader-worker');
    const job = await waitFinal(sys, id, 30_000);
    expect(job.status).toBe('completed');
    expect(started(sys, id)).toBe(1); // the new worker's own start (the killed one's log is gone with it)
    expect(readFileSync(join(sys.storageDir, job.file_info.filepath)).equals(readFileSync(clip))).toBe(true);
    expect(partialEntries(sys, id)).toEqual([]);
  }, 60_000);

  it('on SIGTERM past the grace period, stops the download, requeues it and exits 0; another worker completes it', async () => {
    await sys.waitReady();
    const id = await submit(sys, { url: media.urlFor(clip) });
    await waitStatus(sys, id, 'running');
    const t0 = Date.now();
    expect(await sys.kill('downloader-worker', 'SIGTERM')).toBe(0);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(sys.logsOf('downloader-worker').some((l) => l.includes(id) && l.includes('back to the queue'))).toBe(true);
    expect((await sys.api('GET', `/api/v1/download/${id}`)).body.status).toBe('running');
    expect(partialEntries(sys, id)).toEqual([]);

    await sys.startApp('downloader-worker');
    const job = await waitFinal(sys, id, 30_000);
    expect(job.status).toBe('completed');
    expect(readFileSync(join(sys.storageDir, job.file_info.filepath)).equals(readFileSync(clip))).toBe(true);
  }, 60_000);

  it('on SIGTERM within the grace period, finishes the running download before exiting 0', async () => {
    await sys.waitReady();
    await sys.kill('downloader-worker', 'SIGTERM');
    await sys.startApp('downloader-worker', { SHUTDOWN_GRACE_SEC: '20' });
    await sys.waitReady();
    const id = await submit(sys, { url: media.urlFor(clip) });
    await waitStatus(sys, id, 'running');
    expect(await sys.kill('downloader-worker', 'SIGTERM')).toBe(0);
    const job = await waitFinal(sys, id, 10_000);
    expect(job.status).toBe('completed');
  }, 60_000);

  it('takes yt-dlp down with a SIGKILLed worker (no orphan process keeps writing)', async () => {
    // the previous case ends with its worker stopped: this one needs a running worker of its own
    if (sys.apps.get('downloader-worker')?.child.exitCode !== null) await sys.startApp('downloader-worker');
    await sys.waitReady();
    const id = await submit(sys, { url: media.urlFor(await makeHls(clip)) });
    const workDir = join(sys.storageDir, '.partial', id);
    await waitFor(() => processesMentioning(workDir).length > 0, { timeoutMs: 20_000, what: 'yt-dlp running' });
    expect(await sys.kill('downloader-worker', 'SIGKILL')).toBeNull();
    await waitFor(() => processesMentioning(workDir).length === 0, { timeoutMs: 3000, what: 'yt-dlp gone with its worker' });
    await sys.startApp('downloader-worker');
    const job = await waitFinal(sys, id, 30_000);
    expect(job.status).toBe('completed');
    expect(partialEntries(sys, id)).toEqual([]);
  }, 60_000);
});
