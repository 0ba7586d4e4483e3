import { Module } from '@nestjs/common';
import { AmqpWorkerQueryClient } from './amqp-worker-query-client';
import { WorkerQueryClient } from './worker-query-client';

/** Gives the gateway's controllers a WorkerQueryClient (metadata, playlist and channel listings). */
@Module({
  providers: [{ provide: WorkerQueryClient, useClass: AmqpWorkerQueryClient }],
  exports: [WorkerQueryClient],
})
export class WorkerQueriesModule {}
