import { downloadRequestedSchema } from '@mda/contracts';
import { createLogger } from '@mda/observability';
import { FakeWorkArea, fsError } from '../../test/support/fake-work-area';
import { FakeJobCookieFiles } from '../../test/support/job-fakes';
import { JobWorkspace } from './job-workspace';
import { DEFAULT_STORAGE_RETRY, StorageRetry } from './storage-retry';

const ID = 'req_abcdefabcdef';
const log = createLogger('test', 'silent');
const cmd = (cookies?: string) => downloadRequestedSchema.parse({ request_id: ID, url: 'https://media.example/a.mp4', webhook: null, options: {}, cookies });

describe('JobWorkspace', () => {
  let area: FakeWorkArea;
  let cookies: FakeJobCookieFiles;
  let sleeps: number[];
  let workspace: JobWorkspace;

  beforeEach(() => {
    area = new FakeWorkArea();
    cookies = new FakeJobCookieFiles();
    sleeps = [];
    workspace = new JobWorkspace(area, new StorageRetry({ ...DEFAULT_STORAGE_RETRY, sleep: async (ms) => void sleeps.push(ms) }), cookies);
  });

  it("opens the job's clean folder, without cookies when the job has none", async () => {
    area.files.set(`${area.dirOf(ID)}/old.part`, 3);
    expect(await workspace.open(cmd(), log)).toEqual({ workDir: area.dirOf(ID) });
    expect(area.files.size).toBe(0);
    expect(cookies.written).toEqual([]);
  });

  it('retries transient errors with backoff, then gives up with the last one', async () => {
    area.prepareFailures.push(fsError('ESTALE'), fsError('EBUSY'), fsError('EBUSY'), fsError('EBUSY'));
    await expect(workspace.open(cmd(), log)).rejects.toMatchObject({ code: 'EBUSY' });
    expect(sleeps).toEqual([200, 400, 800]);
  });

  it('fails at once on a lasting error (a full disk stays full)', async () => {
    area.prepareFailures.push(fsError('ENOSPC'));
    await expect(workspace.open(cmd(), log)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(sleeps).toEqual([]);
  });

  it("writes the job's cookies and removes them with the folder on close", async () => {
    const ws = await workspace.open(cmd('sealed'), log);
    expect(ws.cookiesFile).toBe(`/tmp/cookies-${ID}.txt`);
    await workspace.close(ID);
    expect(cookies.disposed).toEqual([`/tmp/cookies-${ID}.txt`]);
    expect(area.cleaned).toEqual([ID]);
    // closing twice does nothing more
    await workspace.close(ID);
    expect(cookies.disposed).toHaveLength(1);
  });

  it('close never throws (a folder that will not go is swept later)', async () => {
    area.clean = async () => {
      throw fsError('EBUSY');
    };
    await expect(workspace.close(ID)).resolves.toBeUndefined();
  });
});
