import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ROUTING_KEYS, SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { DEFAULT_RETENTION_HOURS, GATEWAY_LOGGER } from '../common/tokens';
import { JobFilesRepository } from '../store/job-files.repository';
import { JobsRepository } from '../store/jobs.repository';
import { JobFinished, JobLifecycle } from './job-lifecycle';

/**
 * Keeps the read model current from the workers' lifecycle events, and announces what changed on
 * the in-process JobLifecycle (the events stream shows it; batches, the archive and retention follow up).
 */
@Controller()
export class DownloadEventsHandler {
  constructor(
    private readonly jobs: JobsRepository,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    private readonly files: JobFilesRepository,
    private readonly lifecycle: JobLifecycle,
    @Inject(DEFAULT_RETENTION_HOURS) private readonly defaultRetentionHours: number | null,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.gatewayDownloadEvents)
  async handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayDownloadEvents>): Promise<HandlerOutcome> {
    // the gateway's own announcement (through download.#): nothing to update
    if (env.type === ROUTING_KEYS.downloadExpired) return 'ack';
    const at = env.occurred_at;
    const requestId = env.data.request_id;
    // final events carry the downloader's log lines: kept for GET /download/{id}/logs; progress
    // events carry the tail while it runs, kept only while the job is open (after the final one's)
    const logs = env.data.logs;
    if (logs && env.type !== ROUTING_KEYS.downloadProgress) await this.jobs.replaceLogs(requestId, logs, at);
    let changed = false;
    let finished: JobFinished['status'] | null = null;
    switch (env.type) {
      case ROUTING_KEYS.downloadStarted: {
        changed = await this.jobs.markStarted(requestId, at, env.data.metadata);
        break;
      }
      case ROUTING_KEYS.downloadProgress: {
        const d = env.data;
        changed = await this.jobs.recordProgress(d.request_id, d.progress, at);
        if (changed && d.metadata) await this.jobs.recordRunningMetadata(d.request_id, d.metadata, at);
        if (changed && logs) await this.jobs.replaceLogs(d.request_id, logs, at);
        break;
      }
      case ROUTING_KEYS.downloadCompleted: {
        const d = env.data;
        const total = d.file_info.size_bytes;
        changed = await this.jobs.finish(d.request_id, 'completed', d.completed_at, {
          // in the same write as the completion: no reader sees a completed job without its expiry
          // (the library schedules the removal itself when it hears the job finished)
          expires_at: await this.expiresAt(d.request_id, d.completed_at),
          file_info: d.file_info,
          metadata: d.metadata,
          progress: { percent: 100, downloaded_bytes: total, total_bytes: total, speed: null, eta: 0 },
        });
        finished = 'completed';
        // on every delivery (idempotent): a crash between the two writes is mended by the redelivery
        await this.files.record(d.request_id, d.file_info);
        break;
      }
      case ROUTING_KEYS.downloadFailed: {
        const d = env.data;
        changed = await this.jobs.finish(d.request_id, 'failed', d.completed_at, { error: d.error, error_code: d.error_code });
        finished = 'failed';
        break;
      }
      case ROUTING_KEYS.downloadCancelled:
        changed = await this.jobs.finish(requestId, 'cancelled', at, { error: 'Cancelled', error_code: 'cancelled' });
        finished = 'cancelled';
        break;
      default: {
        // unreachable: the subscription's parser accepts only the five types above
        const unhandled: never = env;
        this.logger.error({ envelope: unhandled }, 'unknown download event');
        return 'dead';
      }
    }
    this.logger.debug({ request_id: requestId, event: env.type }, 'job updated');
    if (changed) await this.lifecycle.changed(requestId);
    // archive, retention and batch release run on every delivery of a final event (idempotent), not only the first
    if (finished) await this.lifecycle.finished({ request_id: requestId, status: finished, batch_id: env.data.batch_id ?? null });
    return 'ack';
  }

  /** completed_at + the job's retention_hours (or FILE_RETENTION_HOURS); undefined when files are kept. */
  private async expiresAt(requestId: string, completedAt: string): Promise<string | undefined> {
    const hours = (await this.jobs.find(requestId))?.options.retention_hours ?? this.defaultRetentionHours;
    return hours ? new Date(Date.parse(completedAt) + hours * 3_600_000).toISOString() : undefined;
  }
}
