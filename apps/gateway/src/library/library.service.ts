import { Inject, Injectable } from '@nestjs/common';
import { FileLinks } from '@mda/file-links';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { SubmitDownload } from '../submissions/submit-download.use-case';
import { jobView } from '../jobs/job-view';
import { SchedulerService } from '../scheduler/scheduler.service';
import { JobFilesRepository } from '../store/job-files.repository';
import { Job, JobsRepository } from '../store/jobs.repository';
import { ClearDownloadsDto, CLEARABLE_STATUSES, RetryFailedDto } from './dto/library.dto';
import { FileRemoval } from './file-removal.service';
import { LibraryMetrics } from './library.metrics';
import { expiryTaskId } from './retention.service';
import { FinishedJobFiles } from '../jobs/finished-job-files.port';

/** Most jobs one clear or retry-failed call handles (call again for more). */
export const MAX_PER_CALL = 1000;

/** Deleting files, clearing finished jobs and retrying failed ones, for the caller's own jobs. */
@Injectable()
export class LibraryService implements FinishedJobFiles {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly files: JobFilesRepository,
    private readonly removal: FileRemoval,
    private readonly submission: SubmitDownload,
    private readonly scheduler: SchedulerService,
    private readonly metrics: LibraryMetrics,
    private readonly links: FileLinks,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  private async own(requestId: string, who: ApiKeyIdentity): Promise<Job> {
    const job = await this.jobs.find(requestId, who.fingerprint);
    if (!job) throw new ApiError('not_found', `No download with request_id ${requestId}`);
    return job;
  }

  /** Removes a completed job's media and sidecars; the job stays, flagged file_deleted. Again on a deleted job: 200, nothing removed. */
  async deleteFile(requestId: string, who: ApiKeyIdentity) {
    const job = await this.own(requestId, who);
    if (job.status !== 'completed') {
      throw new ApiError('conflict', `Download ${requestId} is ${job.status}; only a completed download has files to delete`, { status: job.status });
    }
    const removal = job.file_deleted_at ? { files_removed: 0, bytes_freed: 0 } : await this.removal.removeFor(job, 'deleted');
    await this.scheduler.cancel(expiryTaskId(requestId));
    void this.metrics.refreshStorage();
    return { ...(await jobView((await this.jobs.find(requestId))!, this.links)), ...removal };
  }

  /**
   * DELETE /download/{id}?delete_file=true: for a finished job, its files removed (a completed job)
   * or nothing to remove (failed, cancelled); undefined for an open job, which is cancelled as usual.
   */
  async finishedJob(requestId: string, who: ApiKeyIdentity) {
    const job = await this.own(requestId, who);
    if (job.status === 'completed') return this.deleteFile(requestId, who);
    if (job.status === 'failed' || job.status === 'cancelled') return { ...(await jobView(job, this.links)), files_removed: 0, bytes_freed: 0 };
    return undefined;
  }

  /** Removes the key's finished job records in the given statuses (and, when asked, their files). */
  async clear(dto: ClearDownloadsDto, who: ApiKeyIdentity) {
    const statuses = dto.status ?? [...CLEARABLE_STATUSES];
    const jobs = await this.jobs.listFinal(who.fingerprint, statuses, MAX_PER_CALL, dto.batch_id);
    let filesRemoved = 0;
    let bytesFreed = 0;
    for (const job of dto.delete_files ? jobs : []) {
      if (job.status !== 'completed' || job.file_deleted_at) continue;
      const r = await this.removal.removeFor(job, 'deleted');
      await this.scheduler.cancel(expiryTaskId(job.request_id));
      filesRemoved += r.files_removed;
      bytesFreed += r.bytes_freed;
    }
    const cleared = await this.jobs.removeFinal(jobs.map((j) => j.request_id));
    const more = jobs.length === MAX_PER_CALL;
    this.logger.info({ event: 'downloads.clear', cleared, files_removed: filesRemoved, statuses }, 'finished jobs cleared');
    if (dto.delete_files) void this.metrics.refreshStorage();
    return { cleared, request_ids: jobs.map((j) => j.request_id), files_removed: filesRemoved, bytes_freed: bytesFreed, more };
  }

  /** A failed or cancelled job again, as a new job with the same URL, options and webhook, linked by retry_of. */
  async retry(requestId: string, who: ApiKeyIdentity) {
    const job = await this.own(requestId, who);
    if (job.status !== 'failed' && job.status !== 'cancelled') {
      throw new ApiError('conflict', `Download ${requestId} is ${job.status}; only a failed or cancelled download can be retried`, { status: job.status });
    }
    return await jobView(await this.resubmit(job, who), this.links);
  }

  private resubmit(job: Job, who: ApiKeyIdentity): Promise<Job> {
    // the same options (a batch child keeps its listing's path tokens); it runs on its own, outside the batch
    return this.submission.enqueue(job.url, { options: job.options, webhook_url: job.webhook_url }, who, { batch_id: null, retry_of: job.request_id });
  }

  /** Every failed job of the key (of a batch, when given) that no job retries yet. */
  async retryFailed(dto: RetryFailedDto, who: ApiKeyIdentity) {
    const failed = await this.jobs.listRetryable(who.fingerprint, MAX_PER_CALL, dto.batch_id);
    const retried: Array<{ retry_of: string; request_id: string }> = [];
    for (const job of failed) {
      const next = await this.resubmit(job, who);
      retried.push({ retry_of: job.request_id, request_id: next.request_id });
    }
    return { retried: retried.length, jobs: retried, more: failed.length === MAX_PER_CALL };
  }

  /** Stored files and bytes of the caller's key. */
  async usage(who: ApiKeyIdentity) {
    const mine = (await this.files.usageByKey()).find((u) => u.api_key_fp === who.fingerprint);
    return { files: mine?.files ?? 0, bytes: mine?.bytes ?? 0 };
  }
}
