import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { DeadLetterReplay, DeadLetters as DeadLettersView } from '../docs/batch-models';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { Public } from '../common/identity';
import { GATEWAY_LOGGER } from '../common/tokens';
import { AdminKeyGuard } from './admin.guard';
import { DEAD_LETTER_QUEUES } from './adapters/amqp-dead-letters';
import { DeadLetters } from './dead-letters.port';

const MAX_LIMIT = 1000;

function limitOf(value: unknown, fallback: number, field: string): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new ApiError('validation_error', `${field} must be an integer from 1 to ${MAX_LIMIT}`, [{ field, message: `1..${MAX_LIMIT}` }]);
  }
  return n;
}

/** Operator API: dead letters by queue, and their replay. Not for client keys. */
@Public()
@UseGuards(AdminKeyGuard)
@ApiTags('admin')
@Controller('api/v1/admin/dead-letters')
export class AdminController {
  constructor(
    private readonly deadLetters: DeadLetters,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @ApiOp({
    summary: 'Dead letters',
    description: 'Dead-lettered messages by queue with a sample of each (without bodies). Operators only: an ADMIN_API_KEYS key in X-API-Key.',
    type: DeadLettersView,
    errors: [400, 503],
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 20 } })
  async list(@Query('limit') limit?: string) {
    const queues = await this.deadLetters.list(limitOf(limit, 20, 'limit')).catch((err: Error) => {
      throw new ApiError('broker_unavailable', `Cannot read the dead-letter queues: ${err.message}`, undefined, { 'retry-after': '5' });
    });
    return { queues, total: queues.reduce((a, q) => a + q.messages, 0) };
  }

  @Post('replay')
  @ApiOp({
    summary: 'Replay dead letters',
    description: 'Moves up to limit dead letters of a queue back to where they came from (replays_to). Operators only: an ADMIN_API_KEYS key in X-API-Key.',
    type: DeadLetterReplay,
    body: true,
    errors: [400, 503],
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['queue'],
      properties: { queue: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
    },
  })
  @HttpCode(200)
  async replay(@Body() body: { queue?: unknown; limit?: unknown } | undefined) {
    const queue = body?.queue;
    const names = DEAD_LETTER_QUEUES.map((q) => q.queue);
    if (typeof queue !== 'string' || !names.includes(queue)) {
      throw new ApiError('validation_error', `queue must be one of ${names.join(', ')}`, [{ field: 'queue', message: 'unknown dead-letter queue' }]);
    }
    const limit = limitOf(body?.limit, 100, 'limit');
    const replayed = await this.deadLetters.replay(queue, limit).catch((err: Error) => {
      throw new ApiError('broker_unavailable', `Replay stopped: ${err.message}`, undefined, { 'retry-after': '5' });
    });
    this.logger.info({ event: 'dead_letters.replayed', queue, replayed }, 'dead letters replayed');
    return { queue, replayed };
  }
}
