import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { WebhookAttemptsHandler } from './webhook-attempts.handler';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Records the attempts the sender reports (in the jobs module's delivery log), its API, and redelivery. */
@Module({
  imports: [JobsModule, FilesModule],
  controllers: [WebhooksController, WebhookAttemptsHandler],
  providers: [WebhooksService],
})
export class WebhooksModule {}
