import type { Provider } from '@nestjs/common';
import { ScheduledTasksRepository } from './scheduled-tasks.repository';
import { DEFAULT_SCHEDULER_OPTIONS, SCHEDULER_OPTIONS, SchedulerService } from './scheduler.service';

/** The durable scheduler (subscription checks, file expiries); spread into AppModule. */
export const SCHEDULER_FEATURE: { providers: Provider[] } = {
  providers: [ScheduledTasksRepository, { provide: SCHEDULER_OPTIONS, useValue: DEFAULT_SCHEDULER_OPTIONS }, SchedulerService],
};
