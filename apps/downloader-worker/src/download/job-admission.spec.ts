import { createLogger } from '@mda/observability';
import { FakeCancellationCheck, FakeStoreHealth } from '../../test/support/job-fakes';
import { JobAdmission } from './job-admission';
import { RunningJobs } from './running-jobs';
import { StoreMonitor } from './store-monitor';

const ID = 'req_abcdefabcdef';

describe('JobAdmission', () => {
  let health: FakeStoreHealth;
  let monitor: StoreMonitor;
  let running: RunningJobs;
  let check: FakeCancellationCheck;
  let admission: JobAdmission;

  beforeEach(() => {
    health = new FakeStoreHealth();
    monitor = new StoreMonitor(health, createLogger('test', 'silent'), 60_000);
    running = new RunningJobs();
    check = new FakeCancellationCheck();
    admission = new JobAdmission(monitor, running, check);
  });
  afterEach(() => monitor.stop());

  it('runs a job when the store works and nobody cancelled it', async () => {
    expect(await admission.admit(ID)).toEqual({ verdict: 'run' });
    expect(check.asked).toEqual([ID]);
  });

  it('hands the job back while the store is unusable, without asking the job store', async () => {
    health.unusable = 'EROFS: read-only file system';
    await monitor.confirmFailure();
    expect(await admission.admit(ID)).toEqual({ verdict: 'requeue', reason: 'EROFS: read-only file system' });
    expect(check.asked).toEqual([]);
  });

  it('skips a job cancelled on this replica before it arrived, without a round trip', async () => {
    running.cancel(ID, 0);
    expect(await admission.admit(ID)).toEqual({ verdict: 'cancelled' });
    expect(check.asked).toEqual([]);
  });

  it('skips a job the job store knows as cancelled', async () => {
    check.cancelled.add(ID);
    expect(await admission.admit(ID)).toEqual({ verdict: 'cancelled' });
    expect(await admission.admit('req_otherotherot')).toEqual({ verdict: 'run' });
  });
});
