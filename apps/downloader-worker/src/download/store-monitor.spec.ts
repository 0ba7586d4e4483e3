import { Writable } from 'node:stream';
import pino from 'pino';
import { register } from 'prom-client';
import { waitFor } from '@mda/testing';
import { MediaStore, StoreCheck } from './ports/media-store';
import { StoreMonitor } from './store-monitor';

class FakeStore extends MediaStore {
  result: StoreCheck = { usable: true };
  checks = 0;
  async check(): Promise<StoreCheck> {
    this.checks++;
    return this.result;
  }
}

const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
const gauge = async () => (await register.getSingleMetric('mda_store_writable')!.get()).values[0]?.value;

describe('StoreMonitor', () => {
  it('pauses the job consumer when a failure is the store, reports the reason, and resumes once the store works', async () => {
    const store = new FakeStore();
    const calls: string[] = [];
    const monitor = new StoreMonitor(store, silent, 20);
    await monitor.attach({ pause: async () => void calls.push('pause'), resume: async () => void calls.push('resume') });
    expect(calls).toEqual([]);
    expect(await gauge()).toBe(1);

    // a failure that is not the store: nothing changes
    expect(await monitor.confirmFailure()).toBeUndefined();
    expect(monitor.reason).toBeUndefined();

    store.result = { usable: false, reason: 'ENOTDIR: not a directory' };
    expect(await monitor.confirmFailure()).toBe('ENOTDIR: not a directory');
    expect(monitor.reason).toBe('ENOTDIR: not a directory');
    expect(calls).toEqual(['pause']);
    expect(await gauge()).toBe(0);
    // a second failure meanwhile does not pause twice
    await monitor.confirmFailure();
    expect(calls).toEqual(['pause']);

    const before = store.checks;
    await waitFor(() => store.checks >= before + 2, { timeoutMs: 2000, what: 'rechecks' });
    expect(calls).toEqual(['pause']);
    store.result = { usable: true };
    await waitFor(() => calls.length === 2, { timeoutMs: 2000, what: 'resume' });
    expect(calls).toEqual(['pause', 'resume']);
    expect(monitor.reason).toBeUndefined();
    expect(await gauge()).toBe(1);
    monitor.stop();
  });

  it('starts paused when the store is unusable at start', async () => {
    const store = new FakeStore();
    store.result = { usable: false, reason: 'EACCES: permission denied' };
    const calls: string[] = [];
    const monitor = new StoreMonitor(store, silent, 10_000);
    await monitor.attach({ pause: async () => void calls.push('pause'), resume: async () => void calls.push('resume') });
    expect(calls).toEqual(['pause']);
    expect(monitor.reason).toBe('EACCES: permission denied');
    monitor.stop();
  });
});
