import type { Provider, Type } from '@nestjs/common';
import { Kysely } from 'kysely';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { storeKind } from '../store/database';
import { JobEventsRepository } from '../store/job-events.repository';
import type { Database } from '../store/schema';
import { AmqpJobChangeAnnouncer } from './adapters/amqp-job-change-announcer';
import { DEFAULT_EVENT_STREAMS_OPTIONS, EVENT_STREAMS_OPTIONS, EventStreams } from './event-streams.service';
import { EventsController } from './events.controller';
import { JobChangesHandler } from './job-changes.handler';
import { DEFAULT_JOB_EVENTS_RETENTION, JOB_EVENTS_RETENTION, JobEventsPruneService } from './job-events-prune.service';
import { JobEventsBus } from './job-events.bus';
import { JobChangeAnnouncer } from './ports/job-change-announcer';

/** The live job event stream, spread into AppModule (it uses its logger and store; the events handler feeds the bus). */
export const EVENTS_STREAM_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [EventsController, JobChangesHandler],
  providers: [
    {
      provide: JobEventsRepository,
      inject: ['DB', GATEWAY_CONFIG],
      useFactory: (db: Kysely<Database>, c: GatewayConfig) => new JobEventsRepository(db, storeKind({ databaseUrl: c.databaseUrl, sqlitePath: c.sqlitePath })),
    },
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
  ],
};
