import type { Provider, Type } from '@nestjs/common';
import { WebhookAttemptsHandler } from './webhook-attempts.handler';
import { WebhookLogRepository } from './webhook-log.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** The delivery log's controllers and providers, spread into AppModule (they share its DB, config and logger). */
export const WEBHOOKS_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [WebhooksController, WebhookAttemptsHandler],
  providers: [WebhookLogRepository, WebhooksService],
};
