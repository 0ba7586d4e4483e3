import { Inject, Injectable } from '@nestjs/common';
import { Clock, DownloadEvent, ROUTING_KEYS } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { DownloadArchiveRepository } from '../playlists/download-archive.repository';
import { JobsRepository } from '../store/jobs.repository';
import { BatchDispatcher } from './batch-dispatcher.service';
import { RetentionService } from '../library/retention.service';

const FINAL_EVENTS = new Set<string>([ROUTING_KEYS.downloadCompleted, ROUTING_KEYS.downloadFailed, ROUTING_KEYS.downloadCancelled]);

/**
 * What follows a job's final event once the store has it: the download archive learns a
 * completed video, and the job's batch may release its next child or complete. Runs before the
 * event is acked, so a crash here redelivers the event and it runs again (both steps are idempotent).
 */
@Injectable()
export class JobFinalFollowUp {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly archive: DownloadArchiveRepository,
    private readonly dispatcher: BatchDispatcher,
    private readonly clock: Clock,
    private readonly retention: RetentionService,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  async afterEvent(type: string, data: DownloadEvent['data']): Promise<void> {
    if (!FINAL_EVENTS.has(type)) return;
    if (type === ROUTING_KEYS.downloadCompleted) {
      const job = await this.jobs.find(data.request_id);
      if (job?.status === 'completed') await this.archive.record(job.api_key_fp, job.url, job.request_id, this.clock.now().toISOString());
      // the retention's expiry, durable before the event is acked
      await this.retention.onCompleted(data.request_id);
    }
    if (data.batch_id) {
      await this.dispatcher.advance(data.batch_id);
      this.logger.debug({ request_id: data.request_id, batch_id: data.batch_id }, 'batch advanced');
    }
  }
}
