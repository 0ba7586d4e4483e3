import { Module } from '@nestjs/common';
import { ScheduledTasksRepository } from './scheduled-tasks.repository';
import { DEFAULT_SCHEDULER_OPTIONS, SCHEDULER_OPTIONS, SchedulerService } from './scheduler.service';

/** The durable scheduler (leased tasks: subscription checks, file expiries), exactly once across replicas. */
@Module({
  providers: [ScheduledTasksRepository, { provide: SCHEDULER_OPTIONS, useValue: DEFAULT_SCHEDULER_OPTIONS }, SchedulerService],
  exports: [ScheduledTasksRepository, SchedulerService],
})
export class SchedulerModule {}
