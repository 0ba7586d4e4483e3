import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { ScheduledTasksRepository } from '../scheduler/scheduled-tasks.repository';
import { SchedulerService, TaskHandler, TaskOutcome } from '../scheduler/scheduler.service';
import { JobEventsRepository } from '../store/job-events.repository';

export const JOB_EVENTS_PRUNE_TASK = 'job-events-prune';
const TASK_ID = 'job-events-prune';

export interface JobEventsRetention {
  /** Changes older than this are dropped (a client away longer resyncs). */
  maxAgeMs: number;
  /** At most this many changes are kept, across all keys. */
  maxCount: number;
  /** How often the prune runs. */
  everyMs: number;
}
export const JOB_EVENTS_RETENTION = Symbol('JOB_EVENTS_RETENTION');
export const DEFAULT_JOB_EVENTS_RETENTION: JobEventsRetention = { maxAgeMs: 24 * 3_600_000, maxCount: 50_000, everyMs: 10 * 60_000 };

/** Keeps `job_events` bounded: one durable task (whichever replica claims it) prunes by age and count. */
@Injectable()
export class JobEventsPruneService implements TaskHandler, OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly tasks: ScheduledTasksRepository,
    private readonly events: JobEventsRepository,
    private readonly clock: Clock,
    @Inject(JOB_EVENTS_RETENTION) private readonly retention: JobEventsRetention,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(JOB_EVENTS_PRUNE_TASK, this);
  }

  /** The task is created once (by the first replica); restarts must not push its due time back. */
  async onApplicationBootstrap(): Promise<void> {
    if (await this.tasks.find(TASK_ID)) return;
    await this.scheduler.schedule(TASK_ID, JOB_EVENTS_PRUNE_TASK, TASK_ID, new Date(this.clock.nowMs() + this.retention.everyMs));
  }

  async run(): Promise<TaskOutcome> {
    const now = this.clock.nowMs();
    const removed = await this.events.prune(new Date(now - this.retention.maxAgeMs), this.retention.maxCount);
    if (removed > 0) this.logger.info({ removed }, 'old job events pruned');
    return { next: 'at', at: new Date(now + this.retention.everyMs) };
  }
}
