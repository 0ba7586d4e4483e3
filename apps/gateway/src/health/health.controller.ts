import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Kysely, sql } from 'kysely';
import { AmqpConnection } from '@mda/messaging';
import { Public } from '../common/api-key.guard';
import { Database } from '../store/schema';
import { ShutdownState } from './shutdown-state';

@Public()
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
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get(['health/ready', 'api/v1/health'])
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const c = await this.checks();
    const ok = c.broker && c.store && c.accepting;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: { broker: c.broker ? 'up' : 'down', store: c.store ? 'up' : 'down', shutting_down: !c.accepting },
    };
  }
}
