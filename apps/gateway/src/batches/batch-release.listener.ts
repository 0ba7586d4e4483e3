import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobFinished, JobLifecycle } from '../jobs/job-lifecycle';
import { BatchDispatcher } from './batch-dispatcher.service';

/** A batch child that finished may release the next one or complete its batch (on every delivery: advance is idempotent). */
@Injectable()
export class BatchReleaseListener implements OnModuleInit {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly dispatcher: BatchDispatcher,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onFinished((e) => this.afterFinal(e));
  }

  async afterFinal(e: JobFinished): Promise<void> {
    if (!e.batch_id) return;
    await this.dispatcher.advance(e.batch_id);
    this.logger.debug({ request_id: e.request_id, batch_id: e.batch_id }, 'batch advanced');
  }
}
