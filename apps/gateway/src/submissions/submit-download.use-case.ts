import { Inject, Injectable } from '@nestjs/common';
import { Clock, DownloadOptions, DownloadRequested, IdGenerator, JobSource, ROUTING_KEYS, optionsConflict, validatePathTemplate } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger, errorFields } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { CookieAccess } from './cookie-access.port';
import { Job, JobsRepository, NewJob, newJobRow } from '../store/jobs.repository';
import { toDownloadOptions } from './download-options';
import { DownloadOptionsDto } from './dto/download-options.dto';
import { UrlPolicy } from './url-policy';

/** A request's options once every check passed: what a job row and its command carry. */
export interface CheckedRequest {
  options: DownloadOptions;
  webhook_url: string | null;
}

/** Where a job comes from besides its URL and options. */
export interface JobPlacement {
  batch_id: string | null;
  /** Fixed beforehand (a subscription's, so a rerun never makes a second job); otherwise a new one. */
  request_id?: string;
  /** The listing the URL came from, for the path tokens. */
  source?: JobSource | null;
  retry_of?: string | null;
  created_at?: string;
}

/** 503: the broker did not confirm, so nothing of the submission was kept. */
export const brokerUnavailable = (): ApiError =>
  new ApiError('broker_unavailable', 'The job queue is unavailable; nothing was stored. Try again shortly.', undefined, { 'Retry-After': '5' });

/**
 * Submitting a download, the one path of every transport (single, batch, playlist, channel,
 * subscription, retry): the URL policy, the options normalised and impossible combinations refused,
 * the caller's cookies, the job row, and its `download.requested` published with a confirm.
 */
@Injectable()
export class SubmitDownload {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly urls: UrlPolicy,
    private readonly cookies: CookieAccess,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The checks every submission passes; changes nothing. The URLs (allowed and resolving to a
   * public address), the path template, the webhook URL, the options (normalised; an impossible
   * combination is a 400 naming the field), then the caller's own cookies (400 malformed, 404 unknown).
   */
  async check(urls: Array<{ url: string; field: string }>, fields: DownloadOptionsDto, who: ApiKeyIdentity): Promise<CheckedRequest> {
    await this.urls.assertAllReachable(urls);
    const { webhook_url, ...rest } = fields;
    if (rest.path_template != null) {
      const problem = validatePathTemplate(rest.path_template);
      if (problem) throw new ApiError('validation_error', problem, [{ field: 'path_template', message: problem }]);
    }
    if (webhook_url) this.urls.assertAllowed(webhook_url, 'webhook_url');
    const options = toDownloadOptions(rest);
    const conflict = optionsConflict(options, rest);
    if (conflict) throw new ApiError('validation_error', conflict.message, [conflict]);
    await this.cookies.assertUsable(options.cookies_id, who);
    return { options, webhook_url: webhook_url ?? null };
  }

  /** A single download: checked, stored and published (see `enqueue`). */
  async submit(request: DownloadOptionsDto & { url: string }, who: ApiKeyIdentity): Promise<Job> {
    const { url, ...fields } = request;
    const checked = await this.check([{ url, field: 'url' }], fields, who);
    return this.enqueue(url, checked, who, { batch_id: null });
  }

  /** The row of a job with checked options (not stored). */
  jobRow(url: string, checked: CheckedRequest, who: ApiKeyIdentity, at: JobPlacement): NewJob {
    return {
      request_id: at.request_id ?? this.ids.requestId(),
      api_key_fp: who.fingerprint,
      url,
      options: at.source ? { ...checked.options, source: at.source } : checked.options,
      webhook_url: checked.webhook_url,
      batch_id: at.batch_id,
      created_at: at.created_at ?? this.clock.now().toISOString(),
      retry_of: at.retry_of ?? null,
    };
  }

  /**
   * Stores a job with checked options and publishes its command with a confirm; if the broker does
   * not confirm, nothing is kept (503). Single jobs and retries.
   */
  async enqueue(url: string, checked: CheckedRequest, who: ApiKeyIdentity, at: JobPlacement): Promise<Job> {
    const row = this.jobRow(url, checked, who, at);
    const requestId = row.request_id;
    const cookies = await this.cookies.sealForJob(row.options.cookies_id, who.fingerprint, requestId);
    await this.jobs.insertGrouped(row);
    try {
      await this.events.publish(ROUTING_KEYS.downloadRequested, commandFor(row, cookies), requestId);
    } catch (err) {
      await this.jobs.remove(requestId);
      this.logger.error({ request_id: requestId, err: errorFields(err).message }, 'broker did not take the job');
      throw brokerUnavailable();
    }
    this.logger.info({ request_id: requestId, event: 'download.requested', ...(row.retry_of ? { retry_of: row.retry_of } : {}) }, 'download queued');
    // the row as just inserted: no read back on the accept path
    return { ...newJobRow(row), status: 'queued', options: row.options, progress: null, file_info: null, metadata: null };
  }

  /**
   * Publishes a stored job's command with a confirm (a batch child when its batch releases it).
   * False when the job is no longer waiting: final already, or its cookies were deleted (then it fails).
   */
  async release(requestId: string): Promise<boolean> {
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
    await this.events.publish(ROUTING_KEYS.downloadRequested, commandFor(job, cookies), requestId);
    this.logger.info({ request_id: requestId, batch_id: job.batch_id, event: 'download.requested' }, 'batch child released');
    return true;
  }
}

function commandFor(
  job: Pick<NewJob, 'request_id' | 'url' | 'options' | 'webhook_url' | 'api_key_fp' | 'batch_id'>,
  cookies: string | null,
): DownloadRequested {
  return {
    request_id: job.request_id,
    url: job.url,
    options: job.options,
    webhook: job.webhook_url ? { url: job.webhook_url, key_fp: job.api_key_fp } : null,
    batch_id: job.batch_id,
    cookies,
  };
}
