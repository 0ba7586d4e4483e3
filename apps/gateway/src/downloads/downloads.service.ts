import { Inject, Injectable } from '@nestjs/common';
import { Clock, DownloadCancel, FINAL_STATUSES, JobStatus, ROUTING_KEYS } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { Job, JobsRepository } from '../store/jobs.repository';
import { CreateDownloadDto } from './dto/create-download.dto';
import { JobView, jobView } from '../jobs/job-view';
import { SubmitDownload } from '../submissions/submit-download.use-case';
import { WorkerPresence } from '../worker-queries/worker-presence';
import { WebhookLogRepository } from '../store/webhook-log.repository';

@Injectable()
export class DownloadsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly submission: SubmitDownload,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    private readonly links: FileLinks,
    private readonly presence: WorkerPresence,
    private readonly webhookLog: WebhookLogRepository,
  ) {}

  /** A single download through the one submit path (checked, stored, published with a confirm). */
  create(dto: CreateDownloadDto, who: ApiKeyIdentity): Promise<Job> {
    return this.submission.submit(dto, who);
  }

  /**
   * Queued: marked cancelled in the store at once (a worker asks the store before starting a job,
   * so even a replica that never saw the cancel skips it). Running: `download.cancel` reaches every
   * replica and the one running it stops and reports `download.cancelled`. Finished: 409.
   */
  async cancel(requestId: string, who: ApiKeyIdentity): Promise<{ httpStatus: 200 | 202; body: JobView & { cancel_requested: true } }> {
    const job = await this.jobs.find(requestId, who.fingerprint);
    if (!job) throw new ApiError('not_found', `No download with request_id ${requestId}`);
    assertNotFinished(requestId, job.status);
    const cancelledHere = job.status === 'queued' && (await this.jobs.cancelQueued(requestId, this.clock.now().toISOString()));
    const current = cancelledHere ? job : await this.jobs.find(requestId);
    if (!cancelledHere) assertNotFinished(requestId, current?.status ?? 'cancelled');
    const command: DownloadCancel = { request_id: requestId };
    try {
      await this.events.publish(ROUTING_KEYS.downloadCancel, command, requestId);
    } catch (err) {
      this.logger.error({ request_id: requestId, err: (err as Error).message }, 'cancel not published');
      // a queued job is cancelled in the store, which workers ask before starting; a running one needs the broker
      if (!cancelledHere) {
        throw new ApiError('broker_unavailable', 'The cancel could not be sent to the workers; try again shortly', undefined, { 'Retry-After': '5' });
      }
    }
    this.logger.info({ request_id: requestId, event: 'download.cancel', was: cancelledHere ? 'queued' : 'running' }, 'cancel requested');
    const view = await jobView((await this.jobs.find(requestId))!, this.links);
    return { httpStatus: cancelledHere ? 200 : 202, body: { ...view, cancel_requested: true } };
  }

  /** The downloader's log lines, stored when the job ends (bounded to the last 500). */
  async logs(requestId: string, who: ApiKeyIdentity) {
    const job = await this.jobs.find(requestId, who.fingerprint);
    if (!job) throw new ApiError('not_found', `No download with request_id ${requestId}`);
    const rows = await this.jobs.logs(requestId);
    return { request_id: requestId, status: job.status, count: rows.length, logs: rows.map((r) => r.line) };
  }

  async get(requestId: string, who: ApiKeyIdentity) {
    const job = await this.jobs.find(requestId, who.fingerprint);
    if (!job) throw new ApiError('not_found', `No download with request_id ${requestId}`);
    const view = await jobView(job, this.links, await this.webhookLog.summary(requestId));
    // a job that stays queued because no worker runs says so (it stays queued, it is not failed)
    const note = job.status === 'queued' ? await this.presence.waitingNote() : null;
    return note ? { ...view, waiting_for: 'worker' as const, note } : view;
  }
}

function assertNotFinished(requestId: string, status: JobStatus): void {
  if ((FINAL_STATUSES as readonly string[]).includes(status)) {
    throw new ApiError('conflict', `Download ${requestId} is already ${status}; only queued or running downloads can be cancelled`, { status });
  }
}
