import { DynamicModule, Module } from '@nestjs/common';
import { KeyedSlots } from '@mda/contracts';
import { AmqpQueueStats } from './adapters/amqp-queue-stats';
import { AmqpWorkerQueryClient } from './amqp-worker-query-client';
import { PerKeyWorkerQueryClient } from './per-key-worker-query-client';
import { QueueStats } from './queue-stats';
import { WorkerPresence } from './worker-presence';
import { WorkerQueryClient } from './worker-query-client';

export interface WorkerQueriesOptions {
  /** Queries one API key may have in flight on this replica (QUERY_CONCURRENCY_PER_KEY). */
  perKey: number;
}

/**
 * Gives the gateway's controllers a WorkerQueryClient (metadata, playlist and channel listings), capped
 * per API key, and the broker's view of the workers (QueueStats, WorkerPresence).
 */
@Module({})
export class WorkerQueriesModule {
  static forRoot(opts: WorkerQueriesOptions): DynamicModule {
    return {
      module: WorkerQueriesModule,
      // global: infrastructure every listing, metadata and health feature asks through
      global: true,
      providers: [
        AmqpWorkerQueryClient,
        {
          provide: WorkerQueryClient,
          inject: [AmqpWorkerQueryClient],
          useFactory: (amqp: AmqpWorkerQueryClient) => new PerKeyWorkerQueryClient(amqp, new KeyedSlots(opts.perKey)),
        },
        AmqpQueueStats,
        { provide: QueueStats, useExisting: AmqpQueueStats },
        WorkerPresence,
      ],
      exports: [WorkerQueryClient, QueueStats, WorkerPresence],
    };
  }
}
