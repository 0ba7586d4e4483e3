import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  DownloadCancel,
  DownloadOptions,
  DownloadRequested,
  FINAL_STATUSES,
  IdGenerator,
  JobStatus,
  ROUTING_KEYS,
  optionsConflict,
  validatePathTemplate,
} from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { CookiesService } from '../cookies/cookies.service';
import { Job, JobsRepository, NewJob, newJobRow } from '../store/jobs.repository';
import { CreateDownloadDto } from './dto/create-download.dto';
import { JobView, jobView } from './job-view';
import { UrlPolicy } from './url-policy';
import { WorkerPresence } from '../health/worker-presence';
import { toDownloadOptions } from './download-options';
import { WebhookLogRepository } from '../webhooks/webhook-log.repository';

@Injectable()
export class DownloadsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly urls: UrlPolicy,
    private readonly cookies: CookiesService,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    private readonly links: FileLinks,
    private readonly presence: WorkerPresence,
    private readonly webhookLog: WebhookLogRepository,
  ) {}

  /** Stores the job, then publishes it with a confirm; if the broker does not confirm, nothing is kept. */
  async create(dto: CreateDownloadDto, who: ApiKeyIdentity, batchId: string | null = null) {
    await this.urls.assertReachable(dto.url, 'url');
    if (dto.path_template != null) {
      const problem = validatePathTemplate(dto.path_template);
      if (problem) throw new ApiError('validation_error', problem, [{ field: 'path_template', message: problem }]);
    }
    if (dto.webhook_url) this.urls.assertAllowed(dto.webhook_url, 'webhook_url');
    const { url, webhook_url, ...rest } = dto;
    const options = toDownloadOptions(rest);
    const conflict = optionsConflict(options, rest);
    if (conflict) throw new ApiError('validation_error', conflict.message, [conflict]);
    // the caller's own cookies only (400 malformed id, 404 unknown); sealed for this request id alone
    await this.cookies.assertUsable(options.cookies_id, who);
    return this.submit({ url, options, webhook_url: webhook_url ?? null, batch_id: batchId }, who);
  }

  /**
   * Stores a job with checked options and publishes its command with a confirm; if the broker does
   * not confirm, nothing is kept (503). The one path of single jobs and retries.
   */
  async submit(
    input: { url: string; options: DownloadOptions; webhook_url: string | null; batch_id: string | null; retry_of?: string | null },
    who: ApiKeyIdentity,
  ): Promise<Job> {
    const { url, options, webhook_url: webhookUrl, batch_id: batchId } = input;
    const requestId = this.ids.requestId();
    const createdAt = this.clock.now().toISOString();
    const cookies = await this.cookies.sealForJob(options.cookies_id, who.fingerprint, requestId);
    const row: NewJob = {
      request_id: requestId,
      api_key_fp: who.fingerprint,
      url,
      options,
      webhook_url: webhookUrl,
      batch_id: batchId,
      created_at: createdAt,
      retry_of: input.retry_of ?? null,
    };
    await this.jobs.insertGrouped(row);
    const command: DownloadRequested = {
      request_id: requestId,
      url,
      options,
      webhook: webhookUrl ? { url: webhookUrl, key_fp: who.fingerprint } : null,
      batch_id: batchId,
      cookies,
    };
    try {
      await this.events.publish(ROUTING_KEYS.downloadRequested, command, requestId);
    } catch (err) {
      await this.jobs.remove(requestId);
      this.logger.error({ request_id: requestId, err: (err as Error).message }, 'broker did not take the job');
      throw new ApiError('broker_unavailable', 'The job queue is unavailable; nothing was stored. Try again shortly.', undefined, {
        'Retry-After': '5',
      });
    }
    this.logger.info({ request_id: requestId, event: 'download.requested', ...(input.retry_of ? { retry_of: input.retry_of } : {}) }, 'download queued');
    // the row as just inserted: no read back on the accept path
    return { ...newJobRow(row), status: 'queued', options, progress: null, file_info: null, metadata: null };
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
