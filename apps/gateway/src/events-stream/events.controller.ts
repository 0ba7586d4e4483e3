import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { EventStreams } from './event-streams.service';

/**
 * `GET /api/v1/events`: a server-sent event stream of the caller's job changes. Authenticated by
 * the X-API-Key header like every API route (browsers read it with fetch(), not EventSource, so the
 * key never goes into a URL). Resumable on this replica with `Last-Event-ID`.
 */
@Controller('api/v1')
export class EventsController {
  constructor(private readonly streams: EventStreams) {}

  @Get('events')
  stream(@Identity() who: ApiKeyIdentity, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): void {
    this.streams.assertCanOpen(who.fingerprint);
    reply.hijack();
    this.streams.attach(who.fingerprint, reply.raw, lastEventId);
  }
}
