import { Module } from '@nestjs/common';
import { BatchesModule } from '../batches/batches.module';
import { JobsModule } from '../jobs/jobs.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { SubscriptionMetrics } from './subscription.metrics';
import { SubscriptionCheckService } from './subscription-check.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/** Subscriptions: durable scheduled checks of a channel, playlist or feed that queue new items as batches. */
@Module({
  imports: [JobsModule, BatchesModule, SchedulerModule, SubmissionsModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsRepository, SubscriptionMetrics, SubscriptionCheckService, SubscriptionsService],
})
export class SubscriptionsModule {}
