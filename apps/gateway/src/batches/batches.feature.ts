import type { Provider, Type } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { AmqpDownloadCapacity, DownloadCapacity } from './adapters/download-capacity';
import { BatchDispatcher } from './batch-dispatcher.service';
import { BatchSweeper } from './batch-sweeper';
import { BatchesController } from './batches.controller';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';
import { ChildCommandPublisher } from './child-command.publisher';
import { JobFinalFollowUp } from './job-final.follow-up';

/** Batches (their release under concurrent_limit and batch.completed); spread into AppModule. */
export const BATCHES_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [BatchesController],
  providers: [
    BatchesRepository,
    { provide: DownloadCapacity, inject: [GATEWAY_CONFIG, Clock], useFactory: (c: GatewayConfig, clock: Clock) => new AmqpDownloadCapacity(c.amqpUrl, clock) },
    ChildCommandPublisher,
    BatchDispatcher,
    BatchSweeper,
    BatchesService,
    JobFinalFollowUp,
  ],
};
