import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SystemClock, downloadOptionsSchema } from '@mda/contracts';
import { FAKE_PROXY, FakeEgress } from '../../test/support/fake-egress';
import { FfprobeMediaProbe } from '../download/adapters/ffprobe-media-probe';
import { ProcessSpawner, SpawnedProcess } from '../download/adapters/yt-dlp/process-spawner';
import { YtDlpMediaDownloader } from '../download/adapters/yt-dlp/yt-dlp-media-downloader';
import { DownloadError, DownloadHooks, DownloadJob } from '../download/ports/media-downloader';
import { MediaProbe, ProbeResult } from '../download/ports/media-probe';
import { createMediaDownloader, createMediaInspector } from './outbound-tools';
import { OUTBOUND_TOOLS, OutboundTool, proxiedCommand } from './tool-command';

const PROXY_ENV = {
  http_proxy: FAKE_PROXY,
  https_proxy: FAKE_PROXY,
  HTTP_PROXY: FAKE_PROXY,
  HTTPS_PROXY: FAKE_PROXY,
  all_proxy: FAKE_PROXY,
  ALL_PROXY: FAKE_PROXY,
};

/** A program that exits at once with status 1, having printed nothing: the test looks at how it was started. */
class ExitingSpawner extends ProcessSpawner {
  readonly calls: Array<{ command: string; args: readonly string[]; env?: Readonly<Record<string, string>> }> = [];
  spawn(command: string, args: readonly string[], env?: Readonly<Record<string, string>>): SpawnedProcess {
    this.calls.push({ command, args, env });
    const child = Object.assign(new EventEmitter(), { pid: undefined, stdout: new PassThrough(), stderr: new PassThrough() });
    child.stdout.end();
    child.stderr.end();
    setImmediate(() => child.emit('close', 1, null));
    return child as SpawnedProcess;
  }
  signalGroup(): void {
    // it has exited already: nothing to stop
  }
  isGroupAlive(): boolean {
    return false;
  }
}

class NoProbe extends MediaProbe {
  async probe(): Promise<ProbeResult> {
    throw new Error('not probed');
  }
}

function job(url: string, options: Record<string, unknown> = {}): DownloadJob {
  return { requestId: 'req_abcdefabcdef', url, options: downloadOptionsSchema.parse(options), workDir: '/nonexistent/work', maxBytes: 1e9 };
}
const hooks = (): DownloadHooks => ({ onProgress: () => undefined, onLog: () => undefined, signal: new AbortController().signal });
const config = { ffmpegPath: 'ffmpeg', ytdlpPath: '/nonexistent/yt-dlp', concurrency: 2, downloadConnections: 8, downloadFragments: 4 };

describe('the egress choke point: every outbound tool gets the proxy', () => {
  const own = ['--own-option', 'https://media.example/a'];
  const proxyOption: Record<OutboundTool, string[]> = {
    'yt-dlp': ['--proxy', FAKE_PROXY],
    aria2c: [`--all-proxy=${FAKE_PROXY}`],
    ffmpeg: ['-http_proxy', FAKE_PROXY],
    ffprobe: ['-http_proxy', FAKE_PROXY],
  };

  it.each(OUTBOUND_TOOLS)('%s: its proxy option before its own arguments, the proxy variables in its environment', (tool) => {
    const command = proxiedCommand(tool, own, FAKE_PROXY);
    expect(command.args).toEqual([...proxyOption[tool], ...own]);
    // an inherited no_proxy must not exempt any host
    expect(command.env).toEqual({ ...PROXY_ENV, no_proxy: '', NO_PROXY: '' });
  });

  it("yt-dlp downloads: yt-dlp, and aria2c for ranged connections, take their commands from the job's session", async () => {
    const egress = new FakeEgress();
    const spawner = new ExitingSpawner();
    const downloader = new YtDlpMediaDownloader(
      { ytdlpPath: 'yt-dlp', ffmpegPath: 'ffmpeg' },
      { egress, spawner, probe: new NoProbe(), transfer: { connections: 8, fragments: 4 } },
    );
    // a folder that does not exist: listing it fails after the command is made, before anything runs
    await expect(downloader.download(job('https://media.example/watch?v=1'), hooks())).rejects.toThrow();
    expect(egress.commands.map((c) => c.tool)).toEqual(['aria2c', 'yt-dlp']);
    expect(egress.opened).toEqual(['job req_abcdefabcdef']);
    expect(egress.closed).toEqual(['job req_abcdefabcdef']);
  });

  it('yt-dlp is started with the proxy, and hands aria2c its --all-proxy', async () => {
    const egress = new FakeEgress();
    const spawner = new ExitingSpawner();
    // its own folder: a failed run removes what appeared in it meanwhile
    const dir = await mkdtemp(join(tmpdir(), 'mda-outbound-'));
    const downloader = new YtDlpMediaDownloader(
      { ytdlpPath: 'yt-dlp', ffmpegPath: 'ffmpeg' },
      { egress, spawner, probe: new NoProbe(), transfer: { connections: 8, fragments: 4 } },
    );
    await expect(downloader.download({ ...job('https://media.example/watch?v=1'), workDir: dir }, hooks())).rejects.toBeInstanceOf(DownloadError);
    await rm(dir, { recursive: true, force: true });
    const { args, env } = spawner.calls[0];
    expect(args.slice(0, 2)).toEqual(['--proxy', FAKE_PROXY]);
    expect(args[args.indexOf('--downloader-args') + 1]).toMatch(new RegExp(`^aria2c:--all-proxy=${FAKE_PROXY.replace(/[.]/g, '\\.')} `));
    expect(env).toMatchObject(PROXY_ENV);
  });

  it('ffprobe reads a URL only with a session, and then through its proxy', async () => {
    const egress = new FakeEgress();
    const probe = new FfprobeMediaProbe('/nonexistent/ffprobe');
    await expect(probe.probe('https://media.example/a.mp4')).rejects.toThrow('egress proxy');
    await expect(probe.probe('https://media.example/a.mp4', egress.open('query metadata'))).rejects.toThrow(); // no such program
    expect(egress.commands).toEqual([{ tool: 'ffprobe', args: expect.arrayContaining(['https://media.example/a.mp4']) }]);
  });

  it('metadata queries run yt-dlp with their own session', async () => {
    const egress = new FakeEgress();
    const inspector = createMediaInspector(config, new NoProbe(), egress);
    await expect(inspector.metadata('https://media.example/watch?v=1', 5_000)).rejects.toMatchObject({ code: 'internal_error' });
    expect(egress.opened).toEqual(['query metadata']);
    expect(egress.commands.map((c) => [c.tool, c.args.at(-1)])).toEqual([['yt-dlp', 'https://media.example/watch?v=1']]);
    // the playlists it reads are fetched with the guarded client
    expect(egress.clients).toHaveLength(1);
  });

  it("the worker's own HTTP downloads use the guarded client: a private address is refused before any dial", async () => {
    const egress = new FakeEgress();
    const downloader = createMediaDownloader(config, new SystemClock(), new NoProbe(), egress);
    expect(egress.clients).toHaveLength(1);
    const err = await downloader.download(job('http://127.0.0.1:9/clip.mp4'), hooks()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'forbidden_address' });
  });

  it('a URL for yt-dlp is checked by the egress policy before yt-dlp gets it', async () => {
    const egress = new FakeEgress();
    const downloader = createMediaDownloader(config, new SystemClock(), new NoProbe(), egress);
    // a page, not a media file: it goes to yt-dlp
    const err = await downloader.download(job('http://10.0.0.1/watch.html'), hooks()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'forbidden_address' });
    expect(egress.checked).toEqual(['http://10.0.0.1/watch.html']);
    expect(egress.commands).toEqual([]);
  });
});
