import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiHeader, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { EventStreams } from './event-streams.service';

/**
 * `GET /api/v1/events`: a server-sent event stream of the caller's job changes. Authenticated by
 * the X-API-Key header like every API route (browsers read it with fetch(), not EventSource, so the
 * key never goes into a URL). Resumable on any replica with `Last-Event-ID` (ids are the job store's).
 */
@ApiTags('events')
@Controller('api/v1')
export class EventsController {
  constructor(private readonly streams: EventStreams) {}

  @Get('events')
  @ApiOp({
    summary: 'Stream of job changes (SSE)',
    description:
      "A text/event-stream of the caller's job changes: each event is a job (as GET /api/v1/download/{request_id} answers) with `id:` for resuming with Last-Event-ID. Read it with fetch() and the X-API-Key header.",
    schema: { type: 'string', description: 'text/event-stream: `id:`, `event: job`, `data: <Job JSON>`' },
    errors: [],
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (on any replica)' })
  async stream(@Identity() who: ApiKeyIdentity, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.streams.attach(who.fingerprint, lastEventId, () => {
      reply.hijack();
      return reply.raw;
    });
  }
}
