/** Integration tier: the work area on the real file system, in a temp folder. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFsWorkArea } from './node-fs-work-area';

describe('NodeFsWorkArea', () => {
  let storage: string;
  let area: NodeFsWorkArea;

  beforeEach(() => {
    storage = mkdtempSync(join(tmpdir(), 'mda-work-area-'));
    area = new NodeFsWorkArea(storage);
  });
  afterEach(() => rmSync(storage, { recursive: true, force: true }));

  it('prepares an empty folder per job under .partial, clearing what an earlier attempt left', async () => {
    const dir = await area.prepare('req_abcdefabcdef');
    expect(dir).toBe(join(storage, '.partial', 'req_abcdefabcdef'));
    writeFileSync(join(dir, 'media.mp4.part'), 'partial');
    expect(await area.prepare('req_abcdefabcdef')).toBe(dir);
    expect(existsSync(join(dir, 'media.mp4.part'))).toBe(false);
  });

  it("writes the worker's own files into the job's folder, never outside it", async () => {
    const dir = await area.prepare('req_abcdefabcdef');
    const path = await area.write('req_abcdefabcdef', '../../escape.nfo', '<xml/>');
    expect(path).toBe(join(dir, 'escape.nfo'));
    expect(readFileSync(path, 'utf8')).toBe('<xml/>');
  });

  it('cleans a job folder, and a missing one without complaint', async () => {
    const dir = await area.prepare('req_abcdefabcdef');
    await area.clean('req_abcdefabcdef');
    expect(existsSync(dir)).toBe(false);
    await expect(area.clean('req_neverprepared')).resolves.toBeUndefined();
  });

  it('sweeps job folders older than the cutoff, keeping younger ones and the store’s own entries', async () => {
    const old = await area.prepare('req_oldoldoldold');
    const young = await area.prepare('req_youngyoungyo');
    const uploads = join(storage, '.partial', '.uploads');
    mkdirSync(uploads);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(old, past, past);
    utimesSync(uploads, past, past);
    expect(await area.sweep(new Date('2021-01-01T00:00:00Z'))).toBe(1);
    expect([existsSync(old), existsSync(young), existsSync(uploads)]).toEqual([false, true, true]);
  });

  it('sweeps nothing when there is no work area yet', async () => {
    expect(await area.sweep(new Date())).toBe(0);
  });
});
