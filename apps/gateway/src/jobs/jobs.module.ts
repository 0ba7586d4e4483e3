import { Module } from '@nestjs/common';
import { JobFilesRepository } from '../store/job-files.repository';
import { JobsRepository } from '../store/jobs.repository';
import { WebhookLogRepository } from '../store/webhook-log.repository';
import { DownloadEventsHandler } from './download-events.handler';
import { JobLifecycle } from './job-lifecycle';
import { JobStatusQueriesHandler } from './job-status-queries.handler';

/**
 * The job store (with each job's webhook delivery log) and the job lifecycle: applies the workers' events to it, answers workers' status
 * questions, and announces `job changed` / `job finished` (JobLifecycle) to the features that react.
 */
@Module({
  controllers: [DownloadEventsHandler, JobStatusQueriesHandler],
  providers: [JobsRepository, JobFilesRepository, WebhookLogRepository, JobLifecycle],
  exports: [JobsRepository, JobFilesRepository, WebhookLogRepository, JobLifecycle],
})
export class JobsModule {}
