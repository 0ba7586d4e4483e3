import { EventEmitter } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { downloadOptionsSchema, Progress } from '@mda/contracts';
import { FakeEgress, FAKE_PROXY as PROXY } from '../../../../test/support/fake-egress';
import { DownloadError, DownloadJob } from '../../ports/media-downloader';
import { MediaProbe, ProbeResult } from '../../ports/media-probe';
import { abortReasonToError } from './abort-reason';
import { ProcessSpawner, SpawnedProcess } from './process-spawner';
import { YtDlpMediaDownloader } from './yt-dlp-media-downloader';

/** A yt-dlp stand-in: a script writes its output; a group signal ends it. */
class FakeProcess extends EventEmitter {
  readonly pid = 424242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  closed = false;
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.closed) return;
    this.closed = true;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}

class FakeSpawner extends ProcessSpawner {
  readonly calls: Array<{ command: string; args: readonly string[]; env?: Readonly<Record<string, string>> }> = [];
  readonly signals: NodeJS.Signals[] = [];
  child: FakeProcess | null = null;
  constructor(private readonly script: (p: FakeProcess, args: readonly string[]) => Promise<void>) {
    super();
  }
  spawn(command: string, args: readonly string[], env?: Readonly<Record<string, string>>): SpawnedProcess {
    this.calls.push({ command, args, env });
    const child = new FakeProcess();
    this.child = child;
    void this.script(child, args);
    return child;
  }
  signalGroup(_pid: number, signal: NodeJS.Signals): void {
    this.signals.push(signal);
    this.child?.exit(null, signal);
  }
  isGroupAlive(): boolean {
    return !!this.child && !this.child.closed;
  }
}

class FakeProbe extends MediaProbe {
  async probe(): Promise<ProbeResult> {
    return { title: 'Tagged Title', duration: 12.5, width: 640, height: 360 };
  }
}

const line = (p: FakeProcess, text: string) => p.stdout.write(`${text}\n`);
const progress = (bytes: number, total: number) =>
  `PROGRESS {"status": "downloading", "downloaded_bytes": ${bytes}, "total_bytes": ${total}, "filename": "media.mp4"}\t"mp4"`;

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mda-ytdlp-unit-'));
  await writeFile(join(workDir, 'cookies.txt'), '# Netscape HTTP Cookie File\n');
});
afterEach(() => rm(workDir, { recursive: true, force: true }));

function setup(script: (p: FakeProcess, args: readonly string[]) => Promise<void>, maxBytes = 1_000_000) {
  const spawner = new FakeSpawner(script);
  const egress = new FakeEgress();
  const downloader = new YtDlpMediaDownloader({ ytdlpPath: '/opt/yt-dlp', ffmpegPath: '/opt/ffmpeg' }, { spawner, probe: new FakeProbe(), egress });
  const job: DownloadJob = {
    requestId: 'req_abcdefabcdef',
    url: 'https://example.com/v?id=1;rm -rf /',
    options: downloadOptionsSchema.parse({}),
    workDir,
    maxBytes,
    cookiesFile: join(workDir, 'cookies.txt'),
  };
  const seen = { progress: [] as Progress[], logs: [] as string[] };
  const controller = new AbortController();
  const hooks = { onProgress: (p: Progress) => seen.progress.push(p), onLog: (l: string) => seen.logs.push(l), signal: controller.signal };
  return { spawner, downloader, job, hooks, seen, controller, egress };
}

describe('YtDlpMediaDownloader (fake process)', () => {
  it('runs the yt-dlp binary with an argument array and builds the result from its output', async () => {
    const t = setup(async (p) => {
      line(p, 'META {"id": "v1", "title": "v1", "extractor": "generic", "format_id": "mp4", "ext": "mp4"}');
      line(p, 'FORMATS NA');
      line(p, progress(50, 100));
      line(p, progress(100, 100));
      await writeFile(join(workDir, 'media.mp4'), Buffer.alloc(100));
      line(p, `DONE {"filepath": "${join(workDir, 'media.mp4')}"}`);
      p.exit(0);
    });
    const result = await t.downloader.download(t.job, t.hooks);
    expect(t.spawner.calls[0].command).toBe('/opt/yt-dlp');
    expect(t.spawner.calls[0].args.slice(-2)).toEqual(['--', t.job.url]);
    expect(result).toMatchObject({ tempPath: join(workDir, 'media.mp4'), ext: 'mp4', audioOnly: false, mimeType: 'video/mp4' });
    expect(result.metadata).toMatchObject({ id: 'v1', title: 'Tagged Title', duration: 12.5, width: 640, height: 360, extractor: 'generic' });
    expect(t.seen.progress.map((p) => p.percent)).toEqual([50, 99.9, 100]);
    expect(t.seen.logs).toHaveLength(5);
  });

  it("runs yt-dlp through the job's own egress session and closes it afterwards", async () => {
    const t = setup(async (p) => {
      p.stderr.write("[debug] Proxy map: {'http': 'http://tok:x@127.0.0.1:1'}\n");
      p.exit(1);
    });
    await expect(t.downloader.download(t.job, t.hooks)).rejects.toBeInstanceOf(DownloadError);
    expect(t.seen.logs).toEqual(["[debug] Proxy map: {'http': 'http://***:x@127.0.0.1:1'}"]);
    const { args, env } = t.spawner.calls[0];
    expect(args.slice(args.indexOf('--proxy'), args.indexOf('--proxy') + 2)).toEqual(['--proxy', 'http://tok:x@127.0.0.1:1']);
    expect(args.indexOf('--proxy')).toBeLessThan(args.indexOf('--'));
    expect(env).toMatchObject({ http_proxy: PROXY, https_proxy: PROXY, all_proxy: PROXY, no_proxy: '' });
    expect(t.egress.commands.map((c) => c.tool)).toEqual(['yt-dlp']);
    expect(t.egress.opened).toEqual(['job req_abcdefabcdef']);
    expect(t.egress.closed).toEqual(['job req_abcdefabcdef']);
  });

  it('fails with forbidden_address naming the host when the proxy refused a connection, whatever yt-dlp made of it', async () => {
    const refusal = {
      host: 'secret.test',
      address: '127.0.0.1',
      range: 'loopback',
      message: 'refusing to connect to secret.test (resolved to 127.0.0.1): address is in a forbidden range (loopback)',
    };
    const failing = setup(async (p) => {
      p.stderr.write('ERROR: [generic] Unable to download webpage: HTTP Error 403: Forbidden\n');
      p.exit(1);
    });
    failing.egress.refusals = [refusal];
    await expect(failing.downloader.download(failing.job, failing.hooks)).rejects.toMatchObject({ code: 'forbidden_address', message: refusal.message });

    // even a run that "succeeded" with what it could reach is refused, and its file removed
    const partial = setup(async (p) => {
      line(p, 'META {"id": "v1", "title": "v1", "extractor": "generic", "format_id": "mp4", "ext": "mp4"}');
      await writeFile(join(workDir, 'media.mp4'), Buffer.alloc(100));
      line(p, `DONE {"filepath": "${join(workDir, 'media.mp4')}"}`);
      p.exit(0);
    });
    partial.egress.refusals = [refusal];
    await expect(partial.downloader.download(partial.job, partial.hooks)).rejects.toMatchObject({ code: 'forbidden_address' });
    expect(await readdir(workDir)).toEqual(['cookies.txt']);
  });

  it('stops yt-dlp as soon as more than maxBytes arrived, and removes only what it wrote', async () => {
    const t = setup(async (p) => {
      await writeFile(join(workDir, 'media.mp4.part'), Buffer.alloc(10));
      line(p, progress(600, 0));
      line(p, progress(1200, 0)); // no total announced: only the byte count can catch it
    }, 1000);
    await expect(t.downloader.download(t.job, t.hooks)).rejects.toMatchObject({ code: 'too_large' });
    expect(t.spawner.signals).toEqual(['SIGTERM']);
    expect(await readdir(workDir)).toEqual(['cookies.txt']);
  });

  it('turns a throwing hook into a failed download, not an uncaught exception', async () => {
    const t = setup(async (p) => void line(p, progress(1, 10)));
    t.hooks.onProgress = () => {
      throw new Error('boom');
    };
    await expect(t.downloader.download(t.job, t.hooks)).rejects.toMatchObject({ code: 'internal_error', message: expect.stringContaining('boom') });
  });

  it('does not start yt-dlp for a job aborted before it began', async () => {
    const t = setup(async () => undefined);
    t.controller.abort(new DownloadError('cancelled', 'Cancelled by request'));
    await expect(t.downloader.download(t.job, t.hooks)).rejects.toMatchObject({ code: 'cancelled', message: 'Cancelled by request' });
    expect(t.spawner.calls).toHaveLength(0);
  });

  it('reports yt-dlp missing as an internal error', async () => {
    const downloader = new YtDlpMediaDownloader({ ytdlpPath: '/nonexistent/yt-dlp', ffmpegPath: 'ffmpeg' }, { egress: new FakeEgress() });
    const t = setup(async () => undefined);
    await expect(downloader.download(t.job, t.hooks)).rejects.toMatchObject({ code: 'internal_error', message: 'yt-dlp could not be started (ENOENT)' });
  });
});

describe('abortReasonToError', () => {
  it.each([
    [new DownloadError('timed_out', 'Download timed out after 60 s'), 'timed_out', 'Download timed out after 60 s'],
    [new DownloadError('cancelled', 'Cancelled by request'), 'cancelled', 'Cancelled by request'],
    ['timeout', 'timed_out', 'Download timed out'],
    ['timed_out', 'timed_out', 'Download timed out'],
    [new DOMException('signal timed out', 'TimeoutError'), 'timed_out', 'Download timed out'],
    ['cancel', 'cancelled', 'Download cancelled'],
    [undefined, 'cancelled', 'Download cancelled'],
    [new DOMException('aborted', 'AbortError'), 'cancelled', 'Download cancelled'],
  ])('%p → %s', (reason, code, message) => {
    expect(abortReasonToError(reason)).toMatchObject({ code, message });
  });
});
