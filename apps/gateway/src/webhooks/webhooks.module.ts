import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { WebhookAttemptsHandler } from './webhook-attempts.handler';
import { WebhookLogRepository } from './webhook-log.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** The webhook delivery log (attempts the sender reports), its API, and redelivery. */
@Module({
  imports: [JobsModule, FilesModule],
  controllers: [WebhooksController, WebhookAttemptsHandler],
  providers: [WebhookLogRepository, WebhooksService],
  exports: [WebhookLogRepository],
})
export class WebhooksModule {}
