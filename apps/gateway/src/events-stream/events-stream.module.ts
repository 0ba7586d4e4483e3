import { Module } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { JobEventsRepository } from '../store/job-events.repository';
import { AmqpJobChangeAnnouncer } from './adapters/amqp-job-change-announcer';
import { DEFAULT_EVENT_STREAMS_OPTIONS, EVENT_STREAMS_OPTIONS, EventStreams } from './event-streams.service';
import { EventsController } from './events.controller';
import { JobChangesHandler } from './job-changes.handler';
import { JobChangesListener } from './job-changes.listener';
import { DEFAULT_JOB_EVENTS_RETENTION, JOB_EVENTS_RETENTION, JobEventsPruneService } from './job-events-prune.service';
import { JobEventsBus } from './job-events.bus';
import { JobChangeAnnouncer } from './ports/job-change-announcer';

/**
 * GET /api/v1/events: each key's job changes as server-sent events, on any replica. The jobs
 * module's `job changed` is recorded in `job_events` and announced (`job.changed`); every replica's
 * own queue (JobChangesHandler) tells its streams to read the store. The scheduler prunes the table.
 */
@Module({
  imports: [JobsModule, FilesModule, SchedulerModule],
  controllers: [EventsController, JobChangesHandler],
  providers: [
    JobEventsRepository,
    { provide: JobChangeAnnouncer, useClass: AmqpJobChangeAnnouncer },
    {
      provide: JobEventsBus,
      inject: [JobEventsRepository, JobChangeAnnouncer, Clock, GATEWAY_LOGGER],
      useFactory: (repo: JobEventsRepository, announcer: JobChangeAnnouncer, clock: Clock, logger: Logger) => new JobEventsBus(repo, announcer, clock, logger),
    },
    { provide: EVENT_STREAMS_OPTIONS, useValue: DEFAULT_EVENT_STREAMS_OPTIONS },
    { provide: JOB_EVENTS_RETENTION, useValue: DEFAULT_JOB_EVENTS_RETENTION },
    EventStreams,
    JobEventsPruneService,
    JobChangesListener,
  ],
})
export class EventsStreamModule {}
