import { Inject, Injectable } from '@nestjs/common';
import { BatchCompleted, Clock, DownloadCancelled, ROUTING_KEYS, batchCompletedEventId } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobsRepository } from '../store/jobs.repository';
import { planBatch } from './batch-plan';
import { Batch, BatchesRepository, ChildState } from './batches.repository';
import { SubmitDownload } from '../submissions/submit-download.use-case';

/** A claimed child whose publish was never confirmed after this long is published again. */
export const REPUBLISH_AFTER_MS = 30_000;
const MAX_RACES = 10;

/**
 * Moves a batch forward from what the store says: releases children up to concurrent_limit,
 * cancels what must not start, and publishes batch.completed once. Called on every child's final
 * event, at creation, on cancel, and by the sweeper; safe to call any number of times from any replica.
 */
@Injectable()
export class BatchDispatcher {
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(
    private readonly batches: BatchesRepository,
    private readonly jobs: JobsRepository,
    private readonly submission: SubmitDownload,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  /** One advance per batch at a time in this process (other replicas are kept out by the version claim). */
  advance(batchId: string): Promise<void> {
    const prev = this.lanes.get(batchId) ?? Promise.resolve();
    const run = prev.then(
      () => this.step(batchId),
      () => this.step(batchId),
    );
    const tail = run.catch(() => undefined);
    this.lanes.set(batchId, tail);
    void tail.then(() => this.lanes.get(batchId) === tail && this.lanes.delete(batchId));
    return run;
  }

  private async step(batchId: string): Promise<void> {
    for (let race = 0; race < MAX_RACES; race++) {
      const batch = await this.batches.find(batchId);
      if (!batch || batch.completed_at) return;
      const kids = await this.batches.children(batchId);
      const now = this.clock.now();
      const plan = planBatch(batch, kids, now.getTime(), REPUBLISH_AFTER_MS);
      if (plan.cancel.length > 0) {
        const why = batch.cancelled_at ? 'Cancelled with its batch' : 'Not started: an earlier download of the batch failed (stop_on_error)';
        for (const id of plan.cancel) {
          // the replica whose update changed the row tells the job's webhook, once
          if (await this.jobs.finish(id, 'cancelled', now.toISOString(), { error: why, error_code: 'cancelled' })) await this.announceCancelled(id, why);
        }
        continue;
      }
      if (plan.release.length > 0) {
        if (!(await this.batches.claim(batchId, batch.version, plan.release, now.toISOString()))) continue;
        await this.publishAll(plan.release);
        continue; // a child may have been dropped (deleted cookies): look again
      }
      if (plan.republish.length > 0) await this.publishAll(plan.republish);
      if (plan.complete) {
        if (!(await this.batches.claimCompletion(batchId, batch.version, now.toISOString()))) continue;
        await this.complete(batch, kids);
      }
      return;
    }
    this.logger.warn({ batch_id: batchId }, 'batch still contended; the sweeper will look again');
  }

  private async publishAll(requestIds: string[]): Promise<void> {
    for (const id of requestIds) {
      await this.submission.release(id);
      await this.batches.markPublished(id, this.clock.now().toISOString());
    }
  }

  /**
   * A child that ends without ever reaching a worker gets the `download.cancelled` a single cancelled
   * job gets (webhook, SSE), with the reason; its one log line says the same.
   */
  private async announceCancelled(requestId: string, reason: string): Promise<void> {
    const job = await this.jobs.find(requestId);
    if (!job) return;
    const data: DownloadCancelled = {
      request_id: job.request_id,
      url: job.url,
      webhook: job.webhook_url ? { url: job.webhook_url, key_fp: job.api_key_fp } : null,
      batch_id: job.batch_id,
      completed_at: this.clock.now().toISOString(),
      reason,
      logs: [reason],
    };
    await this.events.publish(ROUTING_KEYS.downloadCancelled, data, requestId);
  }

  /** The event id is derived from the batch, so a republish after a crash is the same webhook. */
  private async complete(batch: Batch, kids: ChildState[]): Promise<void> {
    const count = (s: string) => kids.filter((k) => k.status === s).length;
    const data: BatchCompleted = {
      batch_id: batch.batch_id,
      status: batch.cancelled_at ? 'cancelled' : 'completed',
      total: kids.length,
      counts: { completed: count('completed'), failed: count('failed'), cancelled: count('cancelled') },
      request_ids: kids.map((k) => k.request_id),
      webhook: batch.webhook_url ? { url: batch.webhook_url, key_fp: batch.api_key_fp } : null,
      completed_at: this.clock.now().toISOString(),
    };
    await this.events.publish(ROUTING_KEYS.batchCompleted, data, batch.batch_id, { id: batchCompletedEventId(batch.batch_id) });
    await this.batches.markCompleted(batch.batch_id, data.completed_at);
    this.logger.info({ batch_id: batch.batch_id, event: 'batch.completed', ...data.counts }, 'batch completed');
  }
}
