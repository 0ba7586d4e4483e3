import { Injectable, OnModuleInit } from '@nestjs/common';
import { FileLinks } from '@mda/file-links';
import { JobLifecycle } from '../jobs/job-lifecycle';
import { JobsRepository } from '../store/jobs.repository';
import { WebhookLogRepository } from '../store/webhook-log.repository';
import { JobEventsBus } from './job-events.bus';

/** Tells open event streams (the dashboard) what a job looks like once the store has a change of it. */
@Injectable()
export class JobChangesListener implements OnModuleInit {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: JobsRepository,
    private readonly webhookLog: WebhookLogRepository,
    private readonly bus: JobEventsBus,
    private readonly links: FileLinks,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onChanged((requestId) => this.stream(requestId));
  }

  async stream(requestId: string): Promise<void> {
    const job = await this.jobs.find(requestId);
    if (job) await this.bus.publishJob(job, this.links, await this.webhookLog.summary(requestId));
  }
}
