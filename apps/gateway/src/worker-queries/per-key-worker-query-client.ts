import { KeyedSlots, METRICS, WorkerQueryInput } from '@mda/contracts';
import { counterOf } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { QUERY_RETRY_AFTER_SEC, WorkerQueryClient, WorkerQueryResult } from './worker-query-client';

const refused = counterOf(METRICS.httpQueriesRefused);

/**
 * Caps the queries one API key has in flight on this gateway replica, so that one client cannot
 * occupy the workers' query slots (shared by every key). The surplus is refused at once with a
 * 429; nothing waits in line here.
 */
export class PerKeyWorkerQueryClient extends WorkerQueryClient {
  constructor(
    private readonly inner: WorkerQueryClient,
    private readonly slots: KeyedSlots,
  ) {
    super();
  }

  async query<Q extends WorkerQueryInput>(q: Q, timeoutMs?: number): Promise<WorkerQueryResult<Q['kind']>> {
    const release = this.slots.tryTake(q.key_fp ?? '');
    if (!release) {
      refused.inc();
      throw new ApiError(
        'too_many_queries',
        `Too many metadata or listing queries at once: this API key may have ${this.slots.perKey} in flight. Retry when one has finished.`,
        undefined,
        { 'Retry-After': String(QUERY_RETRY_AFTER_SEC) },
      );
    }
    try {
      return await this.inner.query(q, timeoutMs);
    } finally {
      release();
    }
  }
}
