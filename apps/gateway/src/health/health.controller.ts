import { Controller, Get, HttpCode, Inject, Query, Res } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Health, Liveness } from '../docs/models';
import type { FastifyReply } from 'fastify';
import { Kysely, sql } from 'kysely';
import { AmqpConnection } from '@mda/messaging';
import { Public } from '../common/api-key.guard';
import { Database } from '../store/schema';
import { ShutdownState } from './shutdown-state';

@Public()
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly amqp: AmqpConnection,
    @Inject('DB') private readonly db: Kysely<Database>,
    private readonly shutdown: ShutdownState,
  ) {}

  private async checks() {
    const broker = this.amqp.isConnected();
    let store = false;
    try {
      await sql`select 1`.execute(this.db);
      store = true;
    } catch {
      store = false;
    }
    return { broker, store, accepting: !this.shutdown.draining };
  }

  @Get('health/live')
  @ApiOp({ summary: 'Liveness', description: 'The process answers.', type: Liveness, public: true })
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /**
   * Ready = the job store answers and the gateway is not shutting down. The broker is not
   * required: while it is down reads, /files and SSE keep working and submissions answer 503 with
   * Retry-After, so taking every gateway out of the Service would only make the outage total.
   * `?full=1` requires the broker too (for people and monitors; `mda_broker_connected` says the same).
   */
  @Get(['health/ready', 'api/v1/health'])
  @ApiOp({ summary: 'Readiness', description: 'Ready when the job store answers and the gateway is not shutting down; with full=1 the broker is required too.', type: Health, public: true, extra: [{ status: 503, type: Health, description: 'Not ready' }] })
  @ApiQuery({ name: 'full', required: false, schema: { type: 'string', enum: ['1', '0', 'true', 'false'] }, description: 'Also require the broker' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply, @Query('full') full?: string) {
    const c = await this.checks();
    const serving = c.store && c.accepting;
    const ok = wantsFull(full) ? serving && c.broker : serving;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? (c.broker ? 'ok' : 'degraded') : 'unavailable',
      checks: { broker: c.broker ? 'up' : 'down', store: c.store ? 'up' : 'down', shutting_down: !c.accepting },
    };
  }
}

function wantsFull(value: string | undefined): boolean {
  return value !== undefined && value !== '0' && value !== 'false';
}
