import { AmqpQueueStats } from './adapters/amqp-queue-stats';
import { QueueStats } from './queue-stats';
import { StatsController } from './stats.controller';
import { SystemStatsService } from './system-stats.service';
import { WorkerPresence } from './worker-presence';
import { WorkerToolsCache } from './worker-tools';

/** Queue depths, worker presence and tool versions: /api/v1/health/stats, /version, and the no-worker notes. */
export const HEALTH_FEATURE = {
  controllers: [StatsController],
  providers: [AmqpQueueStats, { provide: QueueStats, useExisting: AmqpQueueStats }, WorkerPresence, WorkerToolsCache, SystemStatsService],
};
