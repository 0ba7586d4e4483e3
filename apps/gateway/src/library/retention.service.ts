import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, DownloadExpired, ROUTING_KEYS } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { ScheduledTask } from '../scheduler/scheduled-tasks.repository';
import { SchedulerService, TaskHandler, TaskOutcome } from '../scheduler/scheduler.service';
import { JobsRepository } from '../store/jobs.repository';
import { FileRemoval } from './file-removal.service';
import { LibraryMetrics } from './library.metrics';

export const FILE_EXPIRY_TASK = 'file-expiry';

export function expiryTaskId(requestId: string): string {
  return `expire:${requestId}`;
}

/** The envelope id of a job's one `download.expired` (a rerun after a crash carries the same webhook id). */
export function expiredEventId(requestId: string): string {
  return `evt_${requestId}_expired`;
}

/**
 * Retention: a completed job whose options say `retention_hours` (or, unset, FILE_RETENTION_HOURS)
 * gets a durable expiry at completion + that many hours; when it is due, its files are removed,
 * the job is flagged (file_deleted, reason expired) and `download.expired` goes to its webhook.
 */
@Injectable()
export class RetentionService implements TaskHandler, OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly jobs: JobsRepository,
    private readonly removal: FileRemoval,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly metrics: LibraryMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(FILE_EXPIRY_TASK, this);
  }

  /** After download.completed (every delivery: idempotent): schedules the expiry when a retention applies. */
  async onCompleted(requestId: string): Promise<void> {
    const job = await this.jobs.find(requestId);
    if (!job || job.status !== 'completed' || job.file_deleted_at || !job.completed_at) return;
    const hours = job.options.retention_hours ?? this.config.fileRetentionHours;
    if (!hours) return;
    const expiresAt = job.expires_at ?? new Date(Date.parse(job.completed_at) + hours * 3_600_000).toISOString();
    if (!job.expires_at) await this.jobs.setExpiresAt(requestId, expiresAt);
    await this.scheduler.schedule(expiryTaskId(requestId), FILE_EXPIRY_TASK, requestId, new Date(expiresAt));
  }

  async run(task: ScheduledTask): Promise<TaskOutcome> {
    const requestId = task.ref;
    const job = await this.jobs.find(requestId);
    if (!job) {
      // the record was cleared with its files kept: the retention still removes them
      const r = await this.removal.removeByRequest(requestId, null);
      this.metrics.expired(r.files_removed, r.bytes_freed);
      return { next: 'done' };
    }
    if (job.file_deleted_at && job.file_deleted_reason !== 'expired') return { next: 'done' };
    const removal = job.file_deleted_at ? { files_removed: 0, bytes_freed: 0 } : await this.removal.removeFor(job, 'expired');
    this.metrics.expired(removal.files_removed, removal.bytes_freed);
    if (job.webhook_url) {
      const hours = job.options.retention_hours ?? this.config.fileRetentionHours ?? 0;
      const data: DownloadExpired = {
        request_id: requestId,
        url: job.url,
        batch_id: job.batch_id,
        filepath: job.file_info?.filepath ?? null,
        files_removed: removal.files_removed,
        bytes_freed: removal.bytes_freed,
        retention_hours: hours > 0 ? hours : 1,
        expired_at: (await this.jobs.find(requestId))?.file_deleted_at ?? this.clock.now().toISOString(),
        webhook: { url: job.webhook_url, key_fp: job.api_key_fp },
      };
      await this.events.publish(ROUTING_KEYS.downloadExpired, data, requestId, { id: expiredEventId(requestId) });
    }
    this.logger.info({ request_id: requestId, event: 'download.expired', ...removal }, 'retention ran out');
    return { next: 'done' };
  }
}
