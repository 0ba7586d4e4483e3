import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Redelivery, WebhookDeliveries } from '../docs/models';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('api/v1/download/:request_id/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOp({
    summary: "A download's webhook deliveries",
    description: 'Each event (X-Webhook-Id) with its state, and every delivery attempt with its outcome.',
    type: WebhookDeliveries,
    errors: [404],
  })
  list(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.webhooks.list(requestId, who);
  }

  @Post('redeliver')
  @ApiOp({
    summary: 'Redeliver webhooks',
    description: 'Queues the dead events of a job again (or, with all=true, every finished one): the same body and X-Webhook-Id, a fresh retry schedule.',
    status: 202,
    type: Redelivery,
    okDescription: 'Queued',
    errors: [400, 404, 409, 503],
  })
  @ApiQuery({ name: 'all', required: false, schema: { type: 'boolean', default: false }, description: 'Also redeliver events that were delivered' })
  @HttpCode(202)
  redeliver(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity, @Query('all') all?: string) {
    return this.webhooks.redeliver(requestId, who, parseAll(all));
  }
}

function parseAll(v: string | undefined): boolean {
  if (v === undefined || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1' || v === '') return true;
  throw new ApiError('validation_error', 'all: must be true or false', [{ field: 'all', message: 'must be true or false' }]);
}
