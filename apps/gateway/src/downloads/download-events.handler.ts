import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  DownloadCancelled,
  DownloadCompleted,
  DownloadEvent,
  DownloadFailed,
  DownloadProgress,
  DownloadStarted,
  Envelope,
  ROUTING_KEYS,
  SUBSCRIPTIONS,
} from '@mda/contracts';
import { HandlerOutcome } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobsRepository } from '../store/jobs.repository';

/** Keeps the read model current from the workers' lifecycle events. */
@Controller()
export class DownloadEventsHandler {
  constructor(
    private readonly jobs: JobsRepository,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(SUBSCRIPTIONS.gatewayDownloadEvents.name)
  async handle(@Payload() env: Envelope<DownloadEvent['data']>): Promise<HandlerOutcome> {
    const at = env.occurred_at;
    const type = env.type as DownloadEvent['type'];
    switch (type) {
      case ROUTING_KEYS.downloadStarted:
        await this.jobs.markStarted((env.data as DownloadStarted).request_id, at);
        break;
      case ROUTING_KEYS.downloadProgress: {
        const d = env.data as DownloadProgress;
        await this.jobs.recordProgress(d.request_id, d.progress, at);
        break;
      }
      case ROUTING_KEYS.downloadCompleted: {
        const d = env.data as DownloadCompleted;
        const total = d.file_info.size_bytes;
        await this.jobs.finish(d.request_id, 'completed', d.completed_at, {
          file_info: d.file_info,
          metadata: d.metadata,
          progress: { percent: 100, downloaded_bytes: total, total_bytes: total, speed: null, eta: 0 },
        });
        break;
      }
      case ROUTING_KEYS.downloadFailed: {
        const d = env.data as DownloadFailed;
        await this.jobs.finish(d.request_id, 'failed', d.completed_at, { error: d.error, error_code: d.error_code });
        break;
      }
      case ROUTING_KEYS.downloadCancelled:
        await this.jobs.finish((env.data as DownloadCancelled).request_id, 'cancelled', at, { error: 'Cancelled', error_code: 'cancelled' });
        break;
      default: {
        const never: never = type;
        this.logger.error({ type: never }, 'unknown download event');
        return 'dead';
      }
    }
    this.logger.debug({ request_id: (env.data as { request_id: string }).request_id, event: type }, 'job updated');
    return 'ack';
  }
}
