import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { filePathsOf } from '../store/job-files';
import { JobFilesRepository } from '../store/job-files.repository';
import { Job, JobsRepository } from '../store/jobs.repository';
import { MediaFiles } from './media-files.port';

export interface Removal {
  files_removed: number;
  bytes_freed: number;
}

/**
 * Removes a completed job's media and sidecar files: from storage first, then its job_files rows
 * (so /files with a key answers 404) and the job is flagged file_deleted. A crash in between
 * leaves the rows, so running it again finishes the work.
 */
@Injectable()
export class FileRemoval {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly files: JobFilesRepository,
    private readonly media: MediaFiles,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  async removeFor(job: Job, reason: 'deleted' | 'expired'): Promise<Removal> {
    const removal = await this.removeByRequest(job.request_id, job.file_info);
    await this.jobs.markFileDeleted(job.request_id, this.clock.now().toISOString(), reason);
    this.logger.info({ request_id: job.request_id, event: `file.${reason}`, ...removal }, reason === 'expired' ? 'files expired' : 'files deleted');
    return removal;
  }

  /** The files a request id owns (job_files) and its file_info names, whether or not the job record is still there. */
  async removeByRequest(requestId: string, fileInfo: unknown): Promise<Removal> {
    const owned = await this.files.pathsOf(requestId);
    // a path another job wrote since (the same path template) is that job's now: left alone
    const named: string[] = [];
    for (const p of filePathsOf(fileInfo)) if ((await this.files.requestOf(p)) === undefined) named.push(p);
    const paths = [...new Set([...owned.map((r) => r.path), ...named])];
    const files_removed = await this.media.remove(paths);
    const bytes_freed = owned.reduce((n, r) => n + Number(r.size_bytes ?? 0), 0);
    await this.files.removeJob(requestId);
    return { files_removed, bytes_freed };
  }
}
