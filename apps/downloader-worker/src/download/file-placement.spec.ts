import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMediaStore } from '@mda/media-store';
import { DownloadError } from './ports/media-downloader';
import { placeFile } from './file-placement';
import { NodeFsWorkArea } from './adapters/node-fs-work-area';

describe('placeFile through the media store', () => {
  let dir: string;
  let store: LocalMediaStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mda-place-'));
    store = new LocalMediaStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function temp(content: string): Promise<string> {
    const path = join(await new NodeFsWorkArea(dir).prepare('req_abc'), 'media.mp4');
    await writeFile(path, content);
    return path;
  }

  it('moves the finished file from the work area to its public name', async () => {
    const tempPath = await temp('media');
    expect(await placeFile(store, tempPath, 'videos/video-abc.mp4')).toEqual({ filepath: 'videos/video-abc.mp4', size: 5 });
    expect(await readFile(join(dir, 'videos/video-abc.mp4'), 'utf8')).toBe('media');
    expect(existsSync(tempPath)).toBe(false);
  });

  it('keeps a taken templated name and suffixes the newcomer', async () => {
    await placeFile(store, await temp('first'), 'Channel/Title.mp4', { keepExisting: true, suffix: 'one' });
    expect((await placeFile(store, await temp('second'), 'Channel/Title.mp4', { keepExisting: true, suffix: 'two' })).filepath).toBe('Channel/Title-two.mp4');
    expect(await readFile(join(dir, 'Channel/Title.mp4'), 'utf8')).toBe('first');
  });

  it.each(['../outside.mp4', '.partial/req_x/file.mp4'])('refuses %s as an invalid request, leaving the file where it was', async (filepath) => {
    const tempPath = await temp('media');
    const err = await placeFile(store, tempPath, filepath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err).toMatchObject({ code: 'invalid_request', message: 'The file path leaves the media folder' });
    expect(existsSync(tempPath)).toBe(true);
  });
});
