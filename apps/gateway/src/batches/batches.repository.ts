import { Inject, Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { DATABASE } from '../store/database.tokens';
import type { JobStatus } from '@mda/contracts';
import { JobsRepository, NewJob } from '../store/jobs.repository';
import type { BatchesTable, Database } from '../store/schema';

export type BatchKind = 'urls' | 'playlist' | 'channel' | 'subscription';

export interface Batch {
  batch_id: string;
  api_key_fp: string;
  kind: BatchKind;
  source_url: string | null;
  concurrent_limit: number;
  stop_on_error: boolean;
  webhook_url: string | null;
  total: number;
  version: number;
  cancelled_at: string | null;
  completing_at: string | null;
  completed_at: string | null;
  created_at: string;
}

export type NewBatch = Omit<Batch, 'version' | 'cancelled_at' | 'completing_at' | 'completed_at'>;

/** One child as the release logic sees it: its place, release state and the job's status. */
export interface ChildState {
  request_id: string;
  position: number;
  claimed_at: string | null;
  published_at: string | null;
  status: JobStatus;
}

function toBatch(r: BatchesTable): Batch {
  return {
    batch_id: r.batch_id,
    api_key_fp: r.api_key_fp,
    kind: r.kind as BatchKind,
    source_url: r.source_url,
    concurrent_limit: Number(r.concurrent_limit),
    stop_on_error: Boolean(Number(r.stop_on_error)),
    webhook_url: r.webhook_url,
    total: Number(r.total),
    version: Number(r.version),
    cancelled_at: r.cancelled_at,
    completing_at: r.completing_at,
    completed_at: r.completed_at,
    created_at: r.created_at,
  };
}

/** Batches and the release state of their children. Every decision is derived from these rows. */
@Injectable()
export class BatchesRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** The batch, its jobs and their order, all or nothing. */
  async create(batch: NewBatch, children: NewJob[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('batches')
        .values({
          ...batch,
          stop_on_error: batch.stop_on_error ? 1 : 0,
          version: 0,
          cancelled_at: null,
          completing_at: null,
          completed_at: null,
          updated_at: batch.created_at,
        })
        .execute();
      const jobs = new JobsRepository(trx);
      for (const [i, job] of children.entries()) {
        await jobs.insert(job);
        await trx
          .insertInto('batch_children')
          .values({ request_id: job.request_id, batch_id: batch.batch_id, position: i, claimed_at: null, published_at: null })
          .execute();
      }
    });
  }

  /** Removes a batch the broker would not take (nothing of it ran). */
  async remove(batchId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('jobs').where('batch_id', '=', batchId).execute();
      await trx.deleteFrom('batch_children').where('batch_id', '=', batchId).execute();
      await trx.deleteFrom('batches').where('batch_id', '=', batchId).execute();
    });
  }

  async find(batchId: string, ownerFp?: string): Promise<Batch | undefined> {
    let q = this.db.selectFrom('batches').selectAll().where('batch_id', '=', batchId);
    if (ownerFp) q = q.where('api_key_fp', '=', ownerFp);
    const row = await q.executeTakeFirst();
    return row ? toBatch(row) : undefined;
  }

  async children(batchId: string): Promise<ChildState[]> {
    const rows = await this.db
      .selectFrom('batch_children as c')
      .innerJoin('jobs as j', 'j.request_id', 'c.request_id')
      .select(['c.request_id', 'c.position', 'c.claimed_at', 'c.published_at', 'j.status'])
      .where('c.batch_id', '=', batchId)
      .orderBy('c.position')
      .execute();
    return rows.map((r) => ({ ...r, position: Number(r.position), status: r.status as JobStatus }));
  }

  /**
   * Claims children to run, if nobody changed the batch since `version` was read (another event
   * or replica). Returns false when it lost the race: read again and decide again.
   */
  async claim(batchId: string, version: number, requestIds: string[], at: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('batches')
        .set({ version: version + 1, updated_at: at })
        .where('batch_id', '=', batchId)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      if (requestIds.length > 0) {
        await trx.updateTable('batch_children').set({ claimed_at: at }).where('request_id', 'in', requestIds).where('claimed_at', 'is', null).execute();
      }
      return true;
    });
  }

  /** Takes the publishing of batch.completed (same version rule as claim). */
  async claimCompletion(batchId: string, version: number, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('batches')
      .set({ version: version + 1, completing_at: at, updated_at: at })
      .where('batch_id', '=', batchId)
      .where('version', '=', version)
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async markPublished(requestId: string, at: string): Promise<void> {
    await this.db.updateTable('batch_children').set({ published_at: at }).where('request_id', '=', requestId).execute();
  }

  async markCancelled(batchId: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('batches')
      .set((eb) => ({ cancelled_at: at, updated_at: at, version: eb('version', '+', 1) }))
      .where('batch_id', '=', batchId)
      .where('cancelled_at', 'is', null)
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async markCompleted(batchId: string, at: string): Promise<void> {
    await this.db.updateTable('batches').set({ completed_at: at, updated_at: at }).where('batch_id', '=', batchId).where('completed_at', 'is', null).execute();
  }

  /** Batches whose batch.completed is not yet out (the sweeper looks at these). */
  async openBatchIds(limit = 500): Promise<string[]> {
    const rows = await this.db.selectFrom('batches').select('batch_id').where('completed_at', 'is', null).orderBy('created_at').limit(limit).execute();
    return rows.map((r) => r.batch_id);
  }
}
