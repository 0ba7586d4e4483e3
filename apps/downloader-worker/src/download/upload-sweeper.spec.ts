import { createLogger } from '@mda/observability';
import { FakeMediaStore, ManualClock } from '@mda/testing';
import { FakeWorkArea } from '../../test/support/fake-work-area';
import { UploadSweeper } from './upload-sweeper';

describe('UploadSweeper: the work area', () => {
  it('sweeps work folders older than the job time limit plus 5 minutes', async () => {
    const area = new FakeWorkArea();
    const sweeper = new UploadSweeper(new FakeMediaStore(), 600, new ManualClock(Date.parse('2026-03-01T12:00:00Z')), createLogger('test', 'silent'), area);
    await sweeper.sweepWorkArea();
    expect(area.sweeps).toEqual([new Date('2026-03-01T11:45:00Z')]);
  });

  it('without a work area there is nothing to sweep', async () => {
    const sweeper = new UploadSweeper(new FakeMediaStore(), 600, new ManualClock(0), createLogger('test', 'silent'));
    expect(await sweeper.sweepWorkArea()).toBe(0);
  });
});
