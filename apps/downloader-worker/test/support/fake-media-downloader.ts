import type { MediaMetadata } from '@mda/contracts';
import { DownloadHooks, DownloadJob, DownloadResult, MediaDownloader, Sidecar } from '../../src/download/ports/media-downloader';
import { FakeWorkArea } from './fake-work-area';

/** What one fake download does with its job and hooks (report progress, wait for a cancel, fail...). */
export type DownloadScript = (job: DownloadJob, hooks: DownloadHooks) => Promise<DownloadResult>;

export const SAMPLE_METADATA: MediaMetadata = {
  id: 'abc',
  title: 'A Clip',
  uploader: 'Someone',
  duration: 12,
  thumbnail: null,
  extractor: 'generic',
  width: 640,
  height: 360,
  ext: 'mp4',
  webpage_url: null,
};

/** A downloader that runs a script; `finished` writes its file into the fake work area like a real one. */
export class FakeMediaDownloader extends MediaDownloader {
  readonly jobs: DownloadJob[] = [];

  constructor(
    private readonly area: FakeWorkArea,
    public script: DownloadScript = (job) => Promise.resolve(this.finished(job)),
  ) {
    super();
  }

  download(job: DownloadJob, hooks: DownloadHooks): Promise<DownloadResult> {
    this.jobs.push(job);
    return this.script(job, hooks);
  }

  /** A finished `bytes`-byte mp4 in the job's folder (and its sidecars), as a downloader returns it. */
  finished(job: DownloadJob, opts: { bytes?: number; sidecars?: Array<Omit<Sidecar, 'tempPath'> & { bytes: number }> } = {}): DownloadResult {
    const tempPath = `${job.workDir}/media.mp4`;
    this.area.files.set(tempPath, opts.bytes ?? 1000);
    const sidecars = (opts.sidecars ?? []).map(({ bytes, ...s }) => {
      const path = `${job.workDir}/media${s.suffix}`;
      this.area.files.set(path, bytes);
      return { ...s, tempPath: path };
    });
    return { tempPath, ext: 'mp4', audioOnly: false, metadata: SAMPLE_METADATA, mimeType: 'video/mp4', ...(sidecars.length ? { sidecars } : {}) };
  }
}

/** Resolves when `signal` aborts, rejecting with its reason (a downloader stopping on cancel or time limit). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
