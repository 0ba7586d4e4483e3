import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Clock, SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
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

  @HandleMessages(SUBSCRIPTIONS.downloaderJobs)
  download(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.downloaderJobs>): Promise<HandlerOutcome> {
    return this.jobs.run(env.data);
  }

  @HandleMessages(SUBSCRIPTIONS.workerControl)
  async cancel(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.workerControl>): Promise<HandlerOutcome> {
    const here = this.running.cancel(env.data.request_id, this.clock.nowMs());
    if (here) this.logger.info({ request_id: env.data.request_id, event: 'download.cancel' }, 'cancelling running download');
    return 'ack';
  }
}
