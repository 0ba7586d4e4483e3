import { DownloadRequested, downloadRequestedSchema } from '@mda/contracts';
import { createLogger } from '@mda/observability';
import { FakeMediaStore, ManualClock } from '@mda/testing';
import { FakeMediaDownloader } from '../../test/support/fake-media-downloader';
import { FakeWorkArea, fsError } from '../../test/support/fake-work-area';
import { MediaPlacement } from './media-placement';
import { DownloadError, DownloadResult } from './ports/media-downloader';

const ID = 'req_abcdefabcdef';

function cmd(options: Record<string, unknown> = {}, requestId = ID): DownloadRequested {
  return downloadRequestedSchema.parse({ request_id: requestId, url: 'https://media.example/a.mp4', webhook: null, options });
}

describe('MediaPlacement', () => {
  let area: FakeWorkArea;
  let store: FakeMediaStore;
  let placement: MediaPlacement;
  let downloader: FakeMediaDownloader;

  beforeEach(() => {
    area = new FakeWorkArea();
    store = new FakeMediaStore(area.sizeOf);
    placement = new MediaPlacement(store, area, new ManualClock(Date.parse('2026-03-01T12:00:00Z')), 'https://dl.example');
    downloader = new FakeMediaDownloader(area);
  });

  async function finished(c: DownloadRequested, opts?: Parameters<FakeMediaDownloader['finished']>[1]): Promise<DownloadResult> {
    const workDir = await area.prepare(c.request_id);
    return downloader.finished({ requestId: c.request_id, url: c.url, options: c.options, workDir, maxBytes: 1e9 }, opts);
  }

  const place = (c: DownloadRequested, r: DownloadResult, placed: string[] = []) => placement.place(c, r, { signal: new AbortController().signal, placed });

  it("stores the media under SPEC §3's default path and describes it", async () => {
    const c = cmd();
    const placed: string[] = [];
    expect(await place(c, await finished(c, { bytes: 42 }), placed)).toEqual({
      filename: 'video-abcdefabcdef.mp4',
      filepath: 'videos/video-abcdefabcdef.mp4',
      size_bytes: 42,
      download_url: 'https://dl.example/files/videos/video-abcdefabcdef.mp4',
      mime_type: 'video/mp4',
    });
    expect(placed).toEqual(['videos/video-abcdefabcdef.mp4']);
  });

  it('names sidecars after the placed media and lists every file', async () => {
    const c = cmd({ path_template: '{uploader}/{title}.{ext}' });
    const r = await finished(c, { sidecars: [{ kind: 'subtitle', suffix: '.en.vtt', language: 'en', bytes: 7 }] });
    const info = await place(c, r);
    expect(info.files?.map((f) => [f.kind, f.filepath, f.size_bytes, f.mime_type])).toEqual([
      ['media', 'Someone/A Clip.mp4', 1000, 'video/mp4'],
      ['subtitle', 'Someone/A Clip.en.vtt', 7, 'text/vtt'],
    ]);
  });

  it("keeps another job's file under a shared templated name and suffixes this one with its id", async () => {
    const options = { path_template: 'shared/{title}.{ext}' };
    const first = cmd(options, 'req_first0000001');
    await place(first, await finished(first));
    const second = cmd(options);
    expect((await place(second, await finished(second))).filepath).toBe('shared/A Clip-abcdefabcdef.mp4');
    expect([...store.objects.keys()].sort()).toEqual(['shared/A Clip-abcdefabcdef.mp4', 'shared/A Clip.mp4']);
  });

  it('refuses a name the store refuses (here: in the work area) as invalid_request, storing nothing', async () => {
    const c = cmd({ path_template: '.partial/{title}.{ext}' });
    const err = await place(c, await finished(c)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).code).toBe('invalid_request');
    expect(store.objects.size).toBe(0);
  });

  it('writes the .nfo into the work folder first (write_nfo)', async () => {
    const c = cmd({ write_nfo: true });
    const info = await place(c, await finished(c));
    expect(info.files?.map((f) => f.filepath)).toEqual(['videos/video-abcdefabcdef.mp4', 'videos/video-abcdefabcdef.nfo']);
    expect(store.objects.get('videos/video-abcdefabcdef.nfo')?.size).toBeGreaterThan(0);
  });

  it('does not start an upload once the job is cancelled', async () => {
    const c = cmd();
    const controller = new AbortController();
    controller.abort(new DownloadError('cancelled', 'Cancelled by request'));
    await expect(placement.place(c, await finished(c), { signal: controller.signal, placed: [] })).rejects.toMatchObject({ code: 'cancelled' });
    expect(store.objects.size).toBe(0);
  });

  it("discards a cancelled job's stored files, going on past one that will not go", async () => {
    const c = cmd();
    await place(c, await finished(c));
    const failing = 'videos/gone.mp4';
    const del = store.delete.bind(store);
    store.delete = async (key) => (key === failing ? Promise.reject(fsError('EACCES')) : del(key));
    await placement.discard([failing, 'videos/video-abcdefabcdef.mp4'], createLogger('test', 'silent'));
    expect(store.objects.size).toBe(0);
  });
});
