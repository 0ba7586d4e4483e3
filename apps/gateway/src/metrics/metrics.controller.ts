import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { renderMetrics } from '@mda/observability';
import { Public } from '../common/identity';

@Public()
@ApiTags('operations')
@Controller()
export class MetricsController {
  @Get('metrics')
  @ApiOp({ summary: 'Prometheus metrics', description: 'The gateway metrics in the Prometheus text format.', schema: { type: 'string' }, public: true })
  @ApiProduces('text/plain')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() reply: FastifyReply) {
    const { contentType, body } = await renderMetrics();
    void reply.header('Content-Type', contentType).send(body);
  }
}
