import { Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator, JobSource, ROUTING_KEYS } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { SubmitDownload, brokerUnavailable } from '../submissions/submit-download.use-case';
import { Job, JobsRepository, NewJob } from '../store/jobs.repository';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { BatchDispatcher } from './batch-dispatcher.service';
import { BatchConcurrency, DownloadCapacity, batchConcurrency } from './adapters/download-capacity';
import { isFinal } from './batch-plan';
import { batchView } from './batch-view';
import { BatchKind, BatchesRepository } from './batches.repository';
import { BatchControlDto, DEFAULT_CONCURRENT_LIMIT } from './dto/batch-control.dto';
import { CreateBatchDto } from './dto/create-batch.dto';

export interface NewBatchInput {
  kind: BatchKind;
  sourceUrl: string | null;
  urls: string[];
  control: BatchControlDto;
  /** Per url (same order): the listing it came from, for the child's path tokens. */
  sources?: Array<JobSource | null>;
  /** Per url: the request id to use (a subscription fixes them before storing, so a rerun never makes a second job). */
  requestIds?: string[];
  /** false: no batch.completed to the webhook (the children still send theirs). Default true. */
  announceCompletion?: boolean;
}

@Injectable()
export class BatchesService {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly jobs: JobsRepository,
    private readonly dispatcher: BatchDispatcher,
    private readonly submission: SubmitDownload,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    private readonly links: FileLinks,
    private readonly capacity: DownloadCapacity,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The batch's effective concurrency and why (concurrent_limit, or the workers' slots). */
  private async concurrencyOf(limit: number): Promise<BatchConcurrency> {
    return batchConcurrency(limit, this.config.workerConcurrency, await this.capacity.jobConsumers());
  }

  create(dto: CreateBatchDto, who: ApiKeyIdentity) {
    const { urls, ...control } = dto;
    return this.createBatch({ kind: 'urls', sourceUrl: null, urls, control }, who);
  }

  /**
   * Stores the batch and all its children, then releases the first ones. If the broker does not
   * confirm them, the batch is removed and the caller gets 503: nothing half-accepted stays.
   */
  async createBatch(input: NewBatchInput, who: ApiKeyIdentity) {
    const { concurrent_limit, stop_on_error, ...fields } = input.control;
    const checked = await this.submission.check(
      input.urls.map((u, i) => ({ url: u, field: input.kind === 'urls' ? `urls[${i}]` : 'url' })),
      fields,
      who,
    );
    const batchId = this.ids.batchId();
    const createdAt = this.clock.now().toISOString();
    const children: NewJob[] = input.urls.map((url, i) =>
      this.submission.jobRow(url, checked, who, {
        batch_id: batchId,
        created_at: createdAt,
        request_id: input.requestIds?.[i],
        source: input.sources?.[i],
      }),
    );
    const batch = {
      batch_id: batchId,
      api_key_fp: who.fingerprint,
      kind: input.kind,
      source_url: input.sourceUrl,
      concurrent_limit: concurrent_limit ?? DEFAULT_CONCURRENT_LIMIT,
      stop_on_error: stop_on_error ?? false,
      webhook_url: input.announceCompletion === false ? null : checked.webhook_url,
      total: children.length,
      created_at: createdAt,
    };
    await this.batches.create(batch, children);
    try {
      await this.dispatcher.advance(batchId);
    } catch (err) {
      await this.abandon(
        batchId,
        children.map((c) => c.request_id),
      );
      this.logger.error({ batch_id: batchId, err: (err as Error).message }, 'broker did not take the batch');
      throw brokerUnavailable();
    }
    this.logger.info({ batch_id: batchId, total: children.length, kind: input.kind }, 'batch accepted');
    return {
      batch_id: batchId,
      status: 'queued' as const,
      total: children.length,
      request_ids: children.map((c) => c.request_id),
      concurrent_limit: batch.concurrent_limit,
      ...(await this.concurrencyOf(batch.concurrent_limit)),
      stop_on_error: batch.stop_on_error,
      webhook_url: batch.webhook_url,
      created_at: createdAt,
    };
  }

  private async abandon(batchId: string, requestIds: string[]): Promise<void> {
    // a child that did get out is told to stop; the rows go, so its events change nothing
    for (const id of requestIds) await this.events.publish(ROUTING_KEYS.downloadCancel, { request_id: id }, id).catch(() => undefined);
    await this.batches.remove(batchId);
  }

  async get(batchId: string, who: ApiKeyIdentity) {
    const batch = await this.batches.find(batchId, who.fingerprint);
    if (!batch) throw new ApiError('not_found', `No batch with batch_id ${batchId}`);
    return await batchView(batch, await this.childJobs(batchId, who), this.links, await this.concurrencyOf(batch.concurrent_limit));
  }

  /** Cancels what has not finished: waiting children at once, running ones through download.cancel. */
  async cancel(batchId: string, who: ApiKeyIdentity) {
    const batch = await this.batches.find(batchId, who.fingerprint);
    if (!batch) throw new ApiError('not_found', `No batch with batch_id ${batchId}`);
    const kids = await this.batches.children(batchId);
    if (batch.completed_at || batch.cancelled_at || kids.every((k) => isFinal(k.status))) {
      throw new ApiError('conflict', `Batch ${batchId} has already ${batch.cancelled_at ? 'been cancelled' : 'finished'}`);
    }
    const now = this.clock.now().toISOString();
    await this.batches.markCancelled(batchId, now);
    for (const k of kids.filter((c) => c.claimed_at && !isFinal(c.status))) {
      if (k.status === 'queued') await this.jobs.finish(k.request_id, 'cancelled', now, { error: 'Cancelled with its batch', error_code: 'cancelled' });
      await this.events.publish(ROUTING_KEYS.downloadCancel, { request_id: k.request_id }, k.request_id);
    }
    await this.dispatcher.advance(batchId);
    this.logger.info({ batch_id: batchId, event: 'batch.cancel' }, 'batch cancelled');
    return this.get(batchId, who);
  }

  private async childJobs(batchId: string, who: ApiKeyIdentity): Promise<Job[]> {
    const order = await this.batches.children(batchId);
    const jobs = await this.jobs.list({ ownerFp: who.fingerprint, batchId, limit: 1000 });
    const byId = new Map(jobs.map((j) => [j.request_id, j]));
    return order.map((c) => byId.get(c.request_id)).filter((j): j is Job => !!j);
  }
}
