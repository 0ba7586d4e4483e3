import { Inject, Injectable } from '@nestjs/common';
import { Clock, DownloadRequested, EXCHANGES, IdGenerator, ROUTING_KEYS, downloadOptionsSchema } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobsRepository } from '../store/jobs.repository';
import { CreateDownloadDto } from './dto/create-download.dto';
import { jobView } from './job-view';
import { UrlPolicy } from './url-policy';

@Injectable()
export class DownloadsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly urls: UrlPolicy,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  /** Stores the job, then publishes it with a confirm; if the broker does not confirm, nothing is kept. */
  async create(dto: CreateDownloadDto, who: ApiKeyIdentity, batchId: string | null = null) {
    this.urls.assertAllowed(dto.url, 'url');
    if (dto.webhook_url) this.urls.assertAllowed(dto.webhook_url, 'webhook_url');
    const { url, webhook_url, ...rest } = dto;
    const options = downloadOptionsSchema.parse({ ...rest, timeout_sec: rest.timeout_sec ?? undefined });
    const requestId = this.ids.requestId();
    const createdAt = this.clock.now().toISOString();
    await this.jobs.insert({ request_id: requestId, api_key_fp: who.fingerprint, url, options, webhook_url: webhook_url ?? null, batch_id: batchId, created_at: createdAt });
    const command: DownloadRequested = {
      request_id: requestId,
      url,
      options,
      webhook: webhook_url ? { url: webhook_url, key_fp: who.fingerprint } : null,
      batch_id: batchId,
    };
    try {
      await this.events.publish(EXCHANGES.commands, ROUTING_KEYS.downloadRequested, command, requestId);
    } catch (err) {
      await this.jobs.remove(requestId);
      this.logger.error({ request_id: requestId, err: (err as Error).message }, 'broker did not take the job');
      throw new ApiError('broker_unavailable', 'The job queue is unavailable; nothing was stored. Try again shortly.', undefined, {
        'Retry-After': '5',
      });
    }
    this.logger.info({ request_id: requestId, event: 'download.requested' }, 'download queued');
    const job = await this.jobs.find(requestId);
    return job!;
  }

  async get(requestId: string, who: ApiKeyIdentity) {
    const job = await this.jobs.find(requestId, who.fingerprint);
    if (!job) throw new ApiError('not_found', `No download with request_id ${requestId}`);
    return jobView(job);
  }
}
