import type { Provider, Type } from '@nestjs/common';
import { DEFAULT_EVENT_STREAMS_OPTIONS, EVENT_STREAMS_OPTIONS, EventStreams } from './event-streams.service';
import { EventsController } from './events.controller';
import { JobEventsBus } from './job-events.bus';

/** The live job event stream, spread into AppModule (it uses its logger; the events handler feeds the bus). */
export const EVENTS_STREAM_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [EventsController],
  providers: [
    { provide: JobEventsBus, useFactory: () => new JobEventsBus({ replayLimit: 1000 }) },
    { provide: EVENT_STREAMS_OPTIONS, useValue: DEFAULT_EVENT_STREAMS_OPTIONS },
    EventStreams,
  ],
};
