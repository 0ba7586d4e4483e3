import { Inject, Injectable } from '@nestjs/common';
import { Clock, DownloadRequested, ROUTING_KEYS } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { GATEWAY_LOGGER } from '../common/tokens';
import { CookiesService } from '../cookies/cookies.service';
import { JobsRepository } from '../store/jobs.repository';

/** Builds a stored child job's `download.requested` (cookies sealed for it) and publishes it with a confirm. */
@Injectable()
export class ChildCommandPublisher {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: EventPublisher,
    private readonly cookies: CookiesService,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns false when the job is no longer waiting (final already, or its cookies were deleted). */
  async publish(requestId: string): Promise<boolean> {
    const job = await this.jobs.find(requestId);
    if (!job || job.status !== 'queued') return false;
    let cookies: string | null;
    try {
      cookies = await this.cookies.sealForJob(job.options.cookies_id, job.api_key_fp, requestId);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'not_found') throw err;
      await this.jobs.finish(requestId, 'failed', this.clock.now().toISOString(), {
        error: 'The cookies this download referenced were deleted',
        error_code: 'invalid_request',
      });
      return false;
    }
    const command: DownloadRequested = {
      request_id: job.request_id,
      url: job.url,
      options: job.options,
      webhook: job.webhook_url ? { url: job.webhook_url, key_fp: job.api_key_fp } : null,
      batch_id: job.batch_id,
      cookies,
    };
    await this.events.publish(ROUTING_KEYS.downloadRequested, command, requestId);
    this.logger.info({ request_id: requestId, batch_id: job.batch_id, event: 'download.requested' }, 'batch child released');
    return true;
  }
}
