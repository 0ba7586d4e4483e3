import { FakeMediaStore, ManualClock, waitFor } from '@mda/testing';
import { FakeWorkArea } from '../../test/support/fake-work-area';
import { LocalMediaStore } from '@mda/media-store';
import { createLogger } from '@mda/observability';
import { UploadSweeper } from './upload-sweeper';

/** The store's side of the sweep: the cut-offs it was asked to abort before, and a failure to throw when told. */
class RecordingStore extends LocalMediaStore {
  cutoffs: Date[] = [];
  failNext = false;
  constructor() {
    super('/nonexistent-upload-sweeper-spec');
  }
  override async abortIncompleteUploads(before: Date): Promise<number> {
    this.cutoffs.push(before);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('store unreachable');
    }
    return 1;
  }
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('UploadSweeper', () => {
  afterEach(() => jest.useRealTimers());

  it('aborts the uploads older than the sweep age', async () => {
    const store = new RecordingStore();
    const sweeper = new UploadSweeper(store, { ageSec: 2100, intervalSec: 600 }, new ManualClock(T0), createLogger('test', 'silent'));
    expect(await sweeper.sweep()).toBe(1);
    expect(store.cutoffs).toEqual([new Date(T0 - 2100 * 1000)]);
  });

  it('sweeps at start and again every interval (a crash younger than the age at the restart is swept later), and stops at shutdown', async () => {
    // only the interval is faked: waitFor's own polling keeps real timeouts
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const store = new RecordingStore();
    const clock = new ManualClock(T0);
    const sweeper = new UploadSweeper(store, { ageSec: 60, intervalSec: 30 }, clock, createLogger('test', 'silent'));
    sweeper.onApplicationBootstrap();
    await waitFor(() => store.cutoffs.length === 1, { intervalMs: 0 });
    expect(store.cutoffs[0]).toEqual(new Date(T0 - 60_000));

    // a failed sweep is logged, and the next one still runs
    store.failNext = true;
    clock.advance(30_000);
    jest.advanceTimersByTime(30_000);
    await waitFor(() => store.cutoffs.length === 2, { intervalMs: 0 });
    clock.advance(30_000);
    jest.advanceTimersByTime(30_000);
    await waitFor(() => store.cutoffs.length === 3, { intervalMs: 0 });
    expect(store.cutoffs[2]).toEqual(new Date(T0 + 60_000 - 60_000));

    sweeper.onApplicationShutdown();
    jest.advanceTimersByTime(120_000);
    await Promise.resolve();
    expect(store.cutoffs).toHaveLength(3);
  });

  it('joins a sweep still running instead of starting a second one', async () => {
    const store = new RecordingStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = store.abortIncompleteUploads.bind(store);
    store.abortIncompleteUploads = async (before: Date) => {
      await gate;
      return slow(before);
    };
    const sweeper = new UploadSweeper(store, { ageSec: 60, intervalSec: 30 }, new ManualClock(T0), createLogger('test', 'silent'));
    const a = sweeper.sweep();
    const b = sweeper.sweep();
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(store.cutoffs).toHaveLength(1);
  });
});

describe('UploadSweeper: the work area', () => {
  const settings = { ageSec: 600 + 300, intervalSec: 600 };

  it('sweeps work folders older than the sweep age (the job time limit plus 5 minutes by default)', async () => {
    const area = new FakeWorkArea();
    const sweeper = new UploadSweeper(
      new FakeMediaStore(),
      settings,
      new ManualClock(Date.parse('2026-03-01T12:00:00Z')),
      createLogger('test', 'silent'),
      area,
    );
    await sweeper.sweepWorkArea();
    expect(area.sweeps).toEqual([new Date('2026-03-01T11:45:00Z')]);
  });

  it('without a work area there is nothing to sweep', async () => {
    const sweeper = new UploadSweeper(new FakeMediaStore(), settings, new ManualClock(0), createLogger('test', 'silent'));
    expect(await sweeper.sweepWorkArea()).toBe(0);
  });
});
