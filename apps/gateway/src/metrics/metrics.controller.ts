import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { renderMetrics } from '@mda/observability';
import { Public } from '../common/api-key.guard';

@Public()
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() reply: FastifyReply) {
    const { contentType, body } = await renderMetrics();
    void reply.header('Content-Type', contentType).send(body);
  }
}
