import { Controller, Get, HttpCode, Inject, Query, Res } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Health, Liveness } from '../docs/models';
import type { FastifyReply } from 'fastify';
import { Kysely, sql } from 'kysely';
import { AmqpConnection } from '@mda/messaging';
import { Public } from '../common/identity';
import { DATABASE } from '../store/database.tokens';
import { Database } from '../store/schema';
import { ShutdownState } from './shutdown-state';
import { NO_WORKER_MESSAGE, WorkerPresence } from '../worker-queries/worker-presence';

@Public()
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly shutdown: ShutdownState,
    private readonly presence: WorkerPresence,
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
   * `checks.workers` is the number of downloader workers consuming jobs (null: the broker cannot say);
   * with none, `warnings` says queued jobs wait for one.
   * `?full=1` requires the broker too (for people and monitors; `mda_broker_connected` says the same).
   */
  @Get(['health/ready', 'api/v1/health'])
  @ApiOp({
    summary: 'Readiness',
    description: 'Ready when the job store answers and the gateway is not shutting down; with full=1 the broker is required too.',
    type: Health,
    public: true,
    extra: [{ status: 503, type: Health, description: 'Not ready' }],
  })
  @ApiQuery({ name: 'full', required: false, schema: { type: 'string', enum: ['1', '0', 'true', 'false'] }, description: 'Also require the broker' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply, @Query('full') full?: string) {
    const [c, workers] = await Promise.all([this.checks(), this.presence.workers()]);
    const serving = c.store && c.accepting;
    const ok = wantsFull(full) ? serving && c.broker : serving;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? (c.broker ? 'ok' : 'degraded') : 'unavailable',
      checks: { broker: c.broker ? 'up' : 'down', store: c.store ? 'up' : 'down', shutting_down: !c.accepting, workers },
      // the gateway itself is ready (it accepts and keeps jobs), but they will not run: say so
      ...(workers === 0 ? { warnings: [NO_WORKER_MESSAGE] } : {}),
    };
  }
}

function wantsFull(value: string | undefined): boolean {
  return value !== undefined && value !== '0' && value !== 'false';
}
