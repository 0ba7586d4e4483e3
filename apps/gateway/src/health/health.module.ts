import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { AmqpQueueStats } from './adapters/amqp-queue-stats';
import { HealthController } from './health.controller';
import { QueueStats } from './queue-stats';
import { ShutdownState } from './shutdown-state';
import { StatsController } from './stats.controller';
import { SystemStatsService } from './system-stats.service';
import { WorkerPresence } from './worker-presence';
import { WorkerToolsCache } from './worker-tools';

/** Liveness and readiness, queue depths, worker presence and tool versions (/health, /api/v1/health/stats, /version). */
@Module({
  imports: [JobsModule],
  controllers: [HealthController, StatsController],
  providers: [ShutdownState, AmqpQueueStats, { provide: QueueStats, useExisting: AmqpQueueStats }, WorkerPresence, WorkerToolsCache, SystemStatsService],
  exports: [ShutdownState, WorkerPresence],
})
export class HealthModule {}
