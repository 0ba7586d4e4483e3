import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown-state';
import { StatsController } from './stats.controller';
import { SystemStatsService } from './system-stats.service';
import { WorkerToolsCache } from './worker-tools';

/** Liveness and readiness, queue depths, worker presence and tool versions (/health, /api/v1/health/stats, /version). */
@Module({
  imports: [JobsModule],
  controllers: [HealthController, StatsController],
  providers: [ShutdownState, WorkerToolsCache, SystemStatsService],
  exports: [ShutdownState],
})
export class HealthModule {}
