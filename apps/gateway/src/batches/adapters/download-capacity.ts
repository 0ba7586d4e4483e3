import amqplib from 'amqplib';
import { Clock, QUEUES } from '@mda/contracts';

/** How many worker replicas consume `downloader.jobs` now (null when the broker cannot say). */
export abstract class DownloadCapacity {
  abstract jobConsumers(): Promise<number | null>;
}

/** What a batch can run at once, and what holds it there. */
export interface BatchConcurrency {
  effective_concurrency: number | null;
  concurrency: {
    concurrent_limit: number;
    /** WORKER_CONCURRENCY: downloads per worker replica. */
    worker_concurrency: number;
    /** Worker replicas consuming downloader.jobs now. */
    job_consumers: number | null;
    limited_by: 'concurrent_limit' | 'workers' | 'unknown';
    reason: string;
  };
}

/**
 * min(concurrent_limit, WORKER_CONCURRENCY × consumers of downloader.jobs): the most downloads of
 * the batch that can run at once, at best (other jobs share the same worker slots).
 */
export function batchConcurrency(limit: number, workerConcurrency: number, consumers: number | null): BatchConcurrency {
  const base = { concurrent_limit: limit, worker_concurrency: workerConcurrency, job_consumers: consumers };
  if (consumers === null) {
    return { effective_concurrency: null, concurrency: { ...base, limited_by: 'unknown', reason: 'The number of workers could not be read from the broker' } };
  }
  const capacity = workerConcurrency * consumers;
  if (capacity < limit) {
    const reason = `concurrent_limit ${limit} is above what the workers run at once: WORKER_CONCURRENCY ${workerConcurrency} × ${consumers} worker${consumers === 1 ? '' : 's'} = ${capacity}, shared with every other job`;
    return { effective_concurrency: capacity, concurrency: { ...base, limited_by: 'workers', reason } };
  }
  const reason = `concurrent_limit ${limit}; the workers could run ${capacity} (WORKER_CONCURRENCY ${workerConcurrency} × ${consumers}), shared with every other job`;
  return { effective_concurrency: limit, concurrency: { ...base, limited_by: 'concurrent_limit', reason } };
}

const CACHE_MS = 5_000;

/** Reads the consumer count of downloader.jobs (a passive declare) over a short-lived connection; kept 5 s. */
export class AmqpDownloadCapacity extends DownloadCapacity {
  private cached: { at: number; value: Promise<number | null> } | null = null;

  constructor(
    private readonly amqpUrl: string,
    private readonly clock: Clock,
  ) {
    super();
  }

  jobConsumers(): Promise<number | null> {
    const now = this.clock.nowMs();
    if (!this.cached || now - this.cached.at > CACHE_MS) this.cached = { at: now, value: this.read() };
    return this.cached.value;
  }

  private async read(): Promise<number | null> {
    try {
      const conn = await amqplib.connect(this.amqpUrl, { timeout: 2000 });
      try {
        const ch = await conn.createChannel();
        return (await ch.checkQueue(QUEUES.downloaderJobs)).consumerCount;
      } finally {
        await conn.close().catch(() => undefined);
      }
    } catch {
      this.cached = null; // try again on the next request
      return null;
    }
  }
}
