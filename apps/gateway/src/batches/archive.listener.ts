import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { JobFinished, JobLifecycle } from '../jobs/job-lifecycle';
import { JobsRepository } from '../store/jobs.repository';
import { DownloadArchiveRepository } from '../store/download-archive.repository';

/** The key's download archive learns each completed video (what skip_downloaded skips); idempotent. */
@Injectable()
export class ArchiveListener implements OnModuleInit {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: JobsRepository,
    private readonly archive: DownloadArchiveRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onFinished((e) => this.afterFinal(e));
  }

  async afterFinal(e: JobFinished): Promise<void> {
    if (e.status !== 'completed') return;
    const job = await this.jobs.find(e.request_id);
    // the store's status, not the event's: a job cancelled first stays cancelled
    if (job?.status === 'completed') await this.archive.record(job.api_key_fp, job.url, job.request_id, this.clock.now().toISOString());
  }
}
