import { LIVE_LOG_LINES, ROUTING_KEYS, downloadRequestedSchema } from '@mda/contracts';
import { createLogger } from '@mda/observability';
import { FakeEventPublisher, ManualClock } from '@mda/testing';
import { JobReporter, STARTED_WAIT_MS, liveTail } from './job-report';
import { DownloadError } from './ports/media-downloader';

const ID = 'req_abcdefabcdef';
const cmd = downloadRequestedSchema.parse({ request_id: ID, url: 'https://media.example/a.mp4', webhook: null, options: {} });
const log = createLogger('test', 'silent');
const progress = (percent: number) => ({ percent, downloaded_bytes: percent * 10, total_bytes: 1000, speed: null, eta: null });

describe('JobReporter', () => {
  let clock: ManualClock;
  let events: FakeEventPublisher;
  let reporter: JobReporter;

  beforeEach(() => {
    clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    events = new FakeEventPublisher(clock);
    reporter = new JobReporter(events, clock);
  });

  it('reports a job cancelled while queued with one cancelled event', async () => {
    await reporter.cancelledWhileQueued(cmd);
    expect(events.only('download.cancelled').data).toMatchObject({
      request_id: ID,
      reason: 'Cancelled while queued: not started',
      completed_at: '2026-03-01T12:00:00.000Z',
    });
  });

  it('publishes started with the metadata as soon as it is known, then throttled progress in order, then the final event', async () => {
    const report = reporter.open(cmd, log);
    try {
      report.onLog('line 1');
      report.onMetadata({ title: 'A Clip', uploader: null, duration: 3 });
      report.onProgress(progress(10));
      report.onProgress(progress(20)); // within the second: dropped
      clock.advance(1000);
      report.onLog('line 2');
      report.onProgress(progress(30));
      clock.advance(500);
      await report.finish(report.failed(new DownloadError('network_error', 'Network error: reset')));
    } finally {
      report.close();
    }
    expect(events.types()).toEqual(['download.started', 'download.progress', 'download.progress', 'download.failed']);
    expect(events.only('download.started').data.metadata).toEqual({ title: 'A Clip', uploader: null, duration: 3 });
    const [first, second] = events.ofType('download.progress').map((e) => e.data);
    expect([first.progress.percent, first.logs, second.progress.percent, second.logs]).toEqual([10, ['line 1'], 30, ['line 1', 'line 2']]);
    const failed = events.only('download.failed').data;
    expect(failed).toMatchObject({ error_code: 'network_error', completed_at: '2026-03-01T12:00:01.500Z' });
    expect(failed.logs).toEqual(['line 1', 'line 2', 'ERROR: Network error: reset']);
  });

  it('publishes started without metadata once the wait is over', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const report = reporter.open(cmd, log);
    try {
      jest.advanceTimersByTime(STARTED_WAIT_MS - 1);
      await new Promise((r) => setImmediate(r));
      expect(events.types()).toEqual([]);
      jest.advanceTimersByTime(1);
      await new Promise((r) => setImmediate(r));
      expect(events.types()).toEqual(['download.started']);
      expect(events.only('download.started').data.metadata).toBeUndefined();
    } finally {
      report.close();
      jest.useRealTimers();
    }
  });

  it('a progress event the broker refuses is skipped; the final event still goes out', async () => {
    const report = reporter.open(cmd, log);
    events.failNext(ROUTING_KEYS.downloadProgress);
    report.onProgress(progress(50));
    await report.finish(report.failed(new DownloadError('cancelled', 'Cancelled by request')));
    report.close();
    expect(events.types()).toEqual(['download.started', 'download.cancelled']);
    expect(events.only('download.cancelled').data.reason).toBe('Cancelled by request');
  });

  it('finish throws when download.started was refused, and sends no final event', async () => {
    const report = reporter.open(cmd, log);
    events.failNext(ROUTING_KEYS.downloadStarted);
    report.onProgress(progress(50));
    await expect(report.finish(report.failed(new DownloadError('not_found', 'gone')))).rejects.toThrow('broker did not confirm');
    report.close();
    expect(events.types()).toEqual(['download.progress']);
  });

  it('abandon (the job goes back to the queue) leaves no started event pending', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const report = reporter.open(cmd, log);
      await report.abandon();
      report.close();
      jest.advanceTimersByTime(STARTED_WAIT_MS * 2);
      await new Promise((r) => setImmediate(r));
      expect(events.types()).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('liveTail', () => {
  it('keeps the last LIVE_LOG_LINES lines', () => {
    const logs = Array.from({ length: LIVE_LOG_LINES + 5 }, (_, i) => `l${i}`);
    expect(liveTail(logs)).toEqual(logs.slice(5));
  });

  it('keeps about 64 KiB of the newest lines, and always the last one', () => {
    const big = 'x'.repeat(40 * 1024);
    expect(liveTail(['old', big, big])).toEqual([big]);
    expect(liveTail(['y'.repeat(100 * 1024)])).toHaveLength(1);
  });
});
