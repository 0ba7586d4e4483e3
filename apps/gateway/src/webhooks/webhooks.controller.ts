import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { WebhooksService } from './webhooks.service';

@Controller('api/v1/download/:request_id/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  list(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.webhooks.list(requestId, who);
  }

  @Post('redeliver')
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
