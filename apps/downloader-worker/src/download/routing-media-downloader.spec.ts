import { NetError } from '@mda/net-guard';
import { NotDirectMediaError } from './adapters/http/http-media-downloader';
import { DownloadHooks, DownloadJob, DownloadResult, MediaDownloader } from './ports/media-downloader';
import { RoutingMediaDownloader } from './routing-media-downloader';
import { downloadOptionsSchema } from '@mda/contracts';

class Fake extends MediaDownloader {
  calls = 0;
  constructor(private readonly behaviour: () => Promise<DownloadResult>) {
    super();
  }
  download(): Promise<DownloadResult> {
    this.calls++;
    return this.behaviour();
  }
}

const result: DownloadResult = { tempPath: '/tmp/x', ext: 'mp4', audioOnly: false, metadata: { title: null, uploader: null, duration: null } };
const hooks: DownloadHooks = { onProgress: () => undefined, onLog: () => undefined, signal: new AbortController().signal };
const job = (opts: object = {}): DownloadJob => ({
  requestId: 'req_x',
  url: 'https://media.example/v',
  options: downloadOptionsSchema.parse(opts),
  workDir: '/tmp',
  maxBytes: 1,
});

describe('RoutingMediaDownloader', () => {
  it('streams direct media without yt-dlp', async () => {
    const direct = new Fake(async () => result);
    const ytdlp = new Fake(async () => result);
    await new RoutingMediaDownloader(direct, ytdlp).download(job(), hooks);
    expect([direct.calls, ytdlp.calls]).toEqual([1, 0]);
  });

  it.each([
    [{ embed_metadata: true }, [1, 0]],
    [{ write_info_json: true }, [0, 1]],
    [{ embed_thumbnail: true }, [0, 1]],
    [{ auto_subtitles: true }, [0, 1]],
  ])('routes %j (direct, yt-dlp) = %j', async (opts, calls) => {
    const direct = new Fake(async () => result);
    const ytdlp = new Fake(async () => result);
    await new RoutingMediaDownloader(direct, ytdlp).download(job(opts), hooks);
    expect([direct.calls, ytdlp.calls]).toEqual(calls);
  });

  it('falls back to yt-dlp for a page, after the guard', async () => {
    const guarded: string[] = [];
    const direct = new Fake(async () => Promise.reject(new NotDirectMediaError('text/html')));
    const ytdlp = new Fake(async () => result);
    await new RoutingMediaDownloader(direct, ytdlp, async (u) => void guarded.push(u)).download(job(), hooks);
    expect([direct.calls, ytdlp.calls, guarded]).toEqual([1, 1, ['https://media.example/v']]);
  });

  it('never hands a private address to yt-dlp', async () => {
    const direct = new Fake(async () => result);
    const ytdlp = new Fake(async () => result);
    const router = new RoutingMediaDownloader(direct, ytdlp, async () => {
      throw new NetError('forbidden_address', 'private');
    });
    await expect(router.download(job({ quality: 'audio' }), hooks)).rejects.toMatchObject({ code: 'forbidden_address' });
    expect([direct.calls, ytdlp.calls]).toEqual([0, 0]);
  });
});
