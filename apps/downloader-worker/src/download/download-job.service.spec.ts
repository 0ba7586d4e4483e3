import { DownloadRequested, ROUTING_KEYS, downloadRequestedSchema } from '@mda/contracts';
import { createLogger } from '@mda/observability';
import { FakeEventPublisher, FakeMediaStore, ManualClock, waitFor } from '@mda/testing';
import { loadWorkerConfig } from '../config/worker-config';
import { FakeMediaDownloader, untilAborted } from '../../test/support/fake-media-downloader';
import { FakeWorkArea, fsError } from '../../test/support/fake-work-area';
import { FakeCancellationCheck, FakeJobCookieFiles, FakeStoreHealth } from '../../test/support/job-fakes';
import { DownloadJobService } from './download-job.service';
import { JobAdmission } from './job-admission';
import { JobReporter } from './job-report';
import { JobWorkspace } from './job-workspace';
import { MediaPlacement } from './media-placement';
import { DOWNLOAD_ERROR_CODES, DownloadError } from './ports/media-downloader';
import { RunningJobs } from './running-jobs';
import { DEFAULT_STORAGE_RETRY, StorageRetry } from './storage-retry';
import { StoreMonitor } from './store-monitor';

const ID = 'req_abcdefabcdef';
const logger = createLogger('test', 'silent');

function command(over: Omit<Partial<DownloadRequested>, 'options'> & { options?: Record<string, unknown> } = {}): DownloadRequested {
  return downloadRequestedSchema.parse({ request_id: ID, url: 'https://media.example/clip.mp4', webhook: null, ...over, options: over.options ?? {} });
}

/** The service with every step real and every port a fake. */
function harness() {
  const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
  const events = new FakeEventPublisher(clock);
  const area = new FakeWorkArea();
  const store = new FakeMediaStore(area.sizeOf);
  const health = new FakeStoreHealth();
  const monitor = new StoreMonitor(health, logger, 60_000);
  const running = new RunningJobs();
  const cancellations = new FakeCancellationCheck();
  const downloader = new FakeMediaDownloader(area);
  const cookies = new FakeJobCookieFiles();
  const sleeps: number[] = [];
  const retry = new StorageRetry({ ...DEFAULT_STORAGE_RETRY, sleep: async (ms) => void sleeps.push(ms) });
  const config = loadWorkerConfig({ STORAGE_DIR: '/work', PUBLIC_BASE_URL: 'https://dl.example', MAX_FILE_SIZE_MB: '5', DOWNLOAD_TIMEOUT_SEC: '600' });
  const service = new DownloadJobService(
    new JobAdmission(monitor, running, cancellations),
    running,
    new JobWorkspace(area, retry, cookies),
    downloader,
    new MediaPlacement(store, area, clock, config.publicBaseUrl),
    new JobReporter(events, clock),
    monitor,
    config,
    logger,
  );
  return { service, clock, events, area, store, health, monitor, running, cancellations, downloader, cookies, sleeps };
}

let h: ReturnType<typeof harness>;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.monitor.stop());

/** Nothing of the job is left on this replica: no running entry, no work folder. */
function expectNothingLeft(): void {
  expect(h.running.size).toBe(0);
  expect(h.area.open.size).toBe(0);
}

describe('DownloadJobService', () => {
  it('completes a job: started (with what the media is), progress, then completed with the stored file', async () => {
    h.downloader.script = async (job, hooks) => {
      hooks.onLog('[download] Destination: media.mp4');
      hooks.onMetadata?.({ title: 'A Clip', uploader: 'Someone', duration: 12 });
      hooks.onProgress({ percent: 50, downloaded_bytes: 500, total_bytes: 1000, speed: 100, eta: 5 });
      return h.downloader.finished(job, { bytes: 1000 });
    };
    expect(await h.service.run(command())).toBe('ack');

    expect(h.events.types()).toEqual(['download.started', 'download.progress', 'download.completed']);
    expect(h.events.only('download.started').data.metadata).toMatchObject({ title: 'A Clip' });
    const done = h.events.only('download.completed').data;
    expect(done.file_info).toEqual({
      filename: 'video-abcdefabcdef.mp4',
      filepath: 'videos/video-abcdefabcdef.mp4',
      size_bytes: 1000,
      download_url: 'https://dl.example/files/videos/video-abcdefabcdef.mp4',
      mime_type: 'video/mp4',
    });
    expect(done.completed_at).toBe('2026-03-01T12:00:00.000Z');
    expect(done.logs).toEqual(['[download] Destination: media.mp4']);
    expect([...h.store.objects.keys()]).toEqual(['videos/video-abcdefabcdef.mp4']);
    // the downloader got the job's own clean folder and the size limit
    expect(h.downloader.jobs[0]).toMatchObject({ requestId: ID, workDir: h.area.dirOf(ID), maxBytes: 5 * 1024 * 1024 });
    expect(h.area.cleaned).toEqual([ID]);
    expectNothingLeft();
  });

  const reasons = DOWNLOAD_ERROR_CODES.filter((c) => c !== 'cancelled' && c !== 'storage_error');
  it.each(reasons)('reports a %s failure with its class, nothing stored', async (code) => {
    h.downloader.script = async () => {
      throw new DownloadError(code, `went wrong: ${code}`);
    };
    expect(await h.service.run(command())).toBe('ack');
    expect(h.events.types()).toEqual(['download.started', 'download.failed']);
    const failed = h.events.only('download.failed').data;
    expect(failed).toMatchObject({ error_code: code, error: `went wrong: ${code}` });
    expect(failed.logs?.at(-1)).toBe(`ERROR: went wrong: ${code}`);
    expect(h.store.objects.size).toBe(0);
    expect(h.monitor.reason).toBeUndefined();
    expectNothingLeft();
  });

  it('reports an unexpected error as internal_error', async () => {
    h.downloader.script = async () => {
      throw new TypeError('cannot read x of undefined');
    };
    await h.service.run(command());
    expect(h.events.only('download.failed').data).toMatchObject({ error_code: 'internal_error', error: 'Internal error: cannot read x of undefined' });
  });

  it('fails with too_large when the downloader hits the size limit it was given', async () => {
    h.downloader.script = async (job) => {
      throw new DownloadError('too_large', `File is too large (over ${job.maxBytes} bytes)`);
    };
    await h.service.run(command());
    expect(h.events.only('download.failed').data).toMatchObject({ error_code: 'too_large', error: 'File is too large (over 5242880 bytes)' });
  });

  it('a store that cannot be written fails the job as storage_error, pauses intake, and the next job goes back to the queue', async () => {
    h.health.unusable = 'ENOSPC: no space left on device';
    h.store.failNextUpload(fsError('ENOSPC'));
    expect(await h.service.run(command())).toBe('ack');
    expect(h.events.only('download.failed').data).toMatchObject({
      error_code: 'storage_error',
      error: 'Media store unusable: ENOSPC: no space left on device',
    });
    expect(h.monitor.reason).toBe('ENOSPC: no space left on device');

    expect(await h.service.run(command({ request_id: 'req_nextnextnext' }))).toBe('requeue');
    expect(h.events.ofType('download.started').map((e) => e.data.request_id)).toEqual([ID]);
    expect(h.downloader.jobs).toHaveLength(1);
  });

  it('retries a transient error of the work area and runs the job', async () => {
    h.area.prepareFailures.push(fsError('EBUSY'), fsError('EAGAIN'));
    expect(await h.service.run(command())).toBe('ack');
    expect(h.sleeps).toEqual([200, 400]);
    expect(h.events.types()).toEqual(['download.started', 'download.completed']);
  });

  it('does not retry a lasting storage error: the job fails at once', async () => {
    h.area.prepareFailures.push(fsError('EACCES'), fsError('EACCES'));
    await h.service.run(command());
    expect(h.sleeps).toEqual([]);
    expect(h.downloader.jobs).toHaveLength(0);
    expect(h.events.only('download.failed').data.error_code).toBe('internal_error');
  });

  it('skips a job cancelled while queued on this replica: cancelled, never started, nothing downloaded', async () => {
    h.running.cancel(ID, h.clock.nowMs());
    expect(await h.service.run(command())).toBe('ack');
    expect(h.events.types()).toEqual(['download.cancelled']);
    expect(h.events.only('download.cancelled').data).toMatchObject({ reason: 'Cancelled while queued: not started' });
    expect(h.downloader.jobs).toHaveLength(0);
    expect(h.area.prepared).toEqual([]);
  });

  it('skips a job the job store says was cancelled (a replica that never saw the cancel)', async () => {
    h.cancellations.cancelled.add(ID);
    await h.service.run(command());
    expect(h.cancellations.asked).toEqual([ID]);
    expect(h.events.types()).toEqual(['download.cancelled']);
    expect(h.downloader.jobs).toHaveLength(0);
  });

  it('a cancel during the download stops it: cancelled after started, work folder removed', async () => {
    h.downloader.script = (_job, hooks) => untilAborted(hooks.signal);
    const run = h.service.run(command());
    await waitFor(() => h.downloader.jobs.length === 1);
    expect(h.running.cancel(ID, h.clock.nowMs())).toBe(true);
    expect(await run).toBe('ack');
    expect(h.events.types()).toEqual(['download.started', 'download.cancelled']);
    expect(h.events.only('download.cancelled').data.reason).toBe('Cancelled by request');
    expect(h.store.objects.size).toBe(0);
    expectNothingLeft();
  });

  it('a cancel during the upload aborts it and removes the files already stored', async () => {
    h.store.holdUploads();
    h.downloader.script = async (job) => h.downloader.finished(job, { sidecars: [{ kind: 'thumbnail', suffix: '.jpg', bytes: 10 }] });
    const run = h.service.run(command());
    // the media lands; the job is cancelled while its thumbnail uploads
    (await waitFor(() => h.store.held[0])).release();
    await waitFor(() => h.store.held.length === 2);
    h.running.cancel(ID, h.clock.nowMs());
    expect(await run).toBe('ack');
    expect(h.store.held[1].aborted).toBe(true);
    expect(h.store.deleted).toEqual(['videos/video-abcdefabcdef.mp4']);
    expect(h.store.objects.size).toBe(0);
    expect(h.events.types()).toEqual(['download.started', 'download.cancelled']);
  });

  it('stops at the time limit as timed_out', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      h.downloader.script = (_job, hooks) => untilAborted(hooks.signal);
      const run = h.service.run(command({ options: { timeout_sec: 30 } }));
      while (h.downloader.jobs.length === 0) await new Promise((r) => setImmediate(r));
      jest.advanceTimersByTime(30_000);
      expect(await run).toBe('ack');
    } finally {
      jest.useRealTimers();
    }
    expect(h.events.only('download.failed').data).toMatchObject({ error_code: 'timed_out', error: 'Download timed out after 30 s' });
  });

  it('a job stopped by shutdown goes back to the queue without a final event', async () => {
    h.downloader.script = (_job, hooks) => untilAborted(hooks.signal);
    const run = h.service.run(command());
    await waitFor(() => h.downloader.jobs.length === 1);
    h.running.abortAll();
    expect(await run).toBe('requeue');
    // nothing said what the media is yet, so not even download.started went out
    expect(h.events.types()).toEqual([]);
    expectNothingLeft();
  });

  it('a final event the broker does not confirm throws (the job is requeued, never reported failed)', async () => {
    h.events.failNext(ROUTING_KEYS.downloadCompleted);
    await expect(h.service.run(command())).rejects.toThrow('broker did not confirm');
    expect(h.events.types()).toEqual(['download.started']);
    expectNothingLeft();
  });

  it('a started event the broker does not confirm throws too, before any final event', async () => {
    h.events.failNext(ROUTING_KEYS.downloadStarted);
    await expect(h.service.run(command())).rejects.toThrow('broker did not confirm');
    expect(h.events.types()).toEqual([]);
  });

  it('a redelivered job that already completed runs again and replaces its own file, never a second copy', async () => {
    await h.service.run(command());
    // the first attempt's leftovers in the work folder are cleared by the second
    h.area.files.set(`${h.area.dirOf(ID)}/media.mp4.part`, 5);
    await h.service.run(command());
    expect(h.events.ofType('download.completed').map((e) => e.data.file_info.filepath)).toEqual([
      'videos/video-abcdefabcdef.mp4',
      'videos/video-abcdefabcdef.mp4',
    ]);
    expect([...h.store.objects.keys()]).toEqual(['videos/video-abcdefabcdef.mp4']);
    expect(h.area.files.size).toBe(0);
  });

  it("a templated name another job took gets this job's id as suffix", async () => {
    const options = { path_template: '{uploader}/{title}.{ext}' };
    await h.service.run(command({ request_id: 'req_first0000001', options }));
    await h.service.run(command({ options }));
    expect(h.events.ofType('download.completed').map((e) => e.data.file_info.filepath)).toEqual(['Someone/A Clip.mp4', 'Someone/A Clip-abcdefabcdef.mp4']);
  });

  it("passes the job's cookies to the downloader and removes them afterwards", async () => {
    await h.service.run(command({ cookies: 'sealed-cookies' }));
    expect(h.cookies.written).toEqual([{ requestId: ID, sealed: 'sealed-cookies' }]);
    expect(h.downloader.jobs[0].cookiesFile).toBe(`/tmp/cookies-${ID}.txt`);
    expect(h.cookies.disposed).toEqual([`/tmp/cookies-${ID}.txt`]);
  });

  it('writes the .nfo into the work folder and stores it beside the media', async () => {
    await h.service.run(command({ options: { write_nfo: true } }));
    const files = h.events.only('download.completed').data.file_info.files ?? [];
    expect(files.map((f) => [f.kind, f.filepath])).toEqual([
      ['media', 'videos/video-abcdefabcdef.mp4'],
      ['nfo', 'videos/video-abcdefabcdef.nfo'],
    ]);
    expect(h.store.objects.get('videos/video-abcdefabcdef.nfo')?.from).toBe(`${h.area.dirOf(ID)}/generated-0.nfo`);
  });
});
