import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DEFAULT_EVENT_STREAMS_OPTIONS, EVENT_STREAMS_OPTIONS, EventStreams } from './event-streams.service';
import { EventsController } from './events.controller';
import { JobChangesListener } from './job-changes.listener';
import { JobEventsBus } from './job-events.bus';

/** GET /api/v1/events: each key's job changes as server-sent events (fed by the jobs module's `job changed`). */
@Module({
  imports: [JobsModule, WebhooksModule, FilesModule],
  controllers: [EventsController],
  providers: [
    { provide: JobEventsBus, useFactory: () => new JobEventsBus({ replayLimit: 1000 }) },
    { provide: EVENT_STREAMS_OPTIONS, useValue: DEFAULT_EVENT_STREAMS_OPTIONS },
    EventStreams,
    JobChangesListener,
  ],
})
export class EventsStreamModule {}
