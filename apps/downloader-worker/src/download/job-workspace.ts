import { Injectable } from '@nestjs/common';
import { DownloadRequested } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { JobCookieFile, JobCookieFiles } from '../cookies/ports/job-cookie-files';
import { WorkArea } from './ports/work-area';
import { StorageRetry } from './storage-retry';

/** Where one job's tools work: its empty work folder, and its cookies file when it brings cookies. */
export interface Workspace {
  workDir: string;
  cookiesFile?: string;
}

/** The work-area step: a clean folder per job (and its cookies), removed again when the job ends. */
@Injectable()
export class JobWorkspace {
  private readonly cookies = new Map<string, JobCookieFile>();

  constructor(
    private readonly workArea: WorkArea,
    private readonly retry: StorageRetry,
    private readonly cookieFiles: JobCookieFiles,
  ) {}

  /**
   * A previous attempt that died mid-download leaves partial files: the folder starts clean.
   * Transient storage errors (EBUSY, EAGAIN, NFS timeouts...) are retried a few times first.
   */
  async open(cmd: DownloadRequested, log: Logger): Promise<Workspace> {
    const id = cmd.request_id;
    const workDir = await this.retry.run(
      () => this.workArea.prepare(id),
      (i) => log.warn({ event: 'storage.retry', ...i }, 'transient storage error: retrying'),
    );
    if (!cmd.cookies) return { workDir };
    // this job's cookies only, in a 0600 temp file removed by close()
    const cookies = await this.cookieFiles.write(id, cmd.cookies);
    this.cookies.set(id, cookies);
    return { workDir, cookiesFile: cookies.path };
  }

  /** Removes the job's folder and cookies file; never throws (a leftover folder is swept later). */
  async close(requestId: string): Promise<void> {
    await this.workArea.clean(requestId).catch(() => undefined);
    const cookies = this.cookies.get(requestId);
    this.cookies.delete(requestId);
    await cookies?.dispose().catch(() => undefined);
  }
}
