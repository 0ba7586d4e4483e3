import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Clock, DownloadCancel, DownloadRequested, Envelope, SUBSCRIPTIONS } from '@mda/contracts';
import { HandlerOutcome } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { WORKER_LOGGER } from '../tokens';
import { DownloadJobService } from './download-job.service';
import { RunningJobs } from './running-jobs';

@Controller()
export class DownloadHandler {
  constructor(
    private readonly jobs: DownloadJobService,
    private readonly running: RunningJobs,
    private readonly clock: Clock,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(SUBSCRIPTIONS.downloaderJobs.name)
  download(@Payload() env: Envelope<DownloadRequested>): Promise<HandlerOutcome> {
    return this.jobs.run(env.data);
  }

  @EventPattern(SUBSCRIPTIONS.workerControl.name)
  async cancel(@Payload() env: Envelope<DownloadCancel>): Promise<HandlerOutcome> {
    const here = this.running.cancel(env.data.request_id, this.clock.nowMs());
    if (here) this.logger.info({ request_id: env.data.request_id, event: 'download.cancel' }, 'cancelling running download');
    return 'ack';
  }
}
