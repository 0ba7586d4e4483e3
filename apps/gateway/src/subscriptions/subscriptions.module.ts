import { Module } from '@nestjs/common';
import { BatchesModule } from '../batches/batches.module';
import { JobsModule } from '../jobs/jobs.module';
import { LibraryModule } from '../library/library.module';
import { PlaylistsModule } from '../playlists/playlists.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { SubscriptionCheckService } from './subscription-check.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/** Subscriptions: durable scheduled checks of a channel, playlist or feed that queue new items as batches. */
@Module({
  imports: [JobsModule, BatchesModule, PlaylistsModule, SchedulerModule, LibraryModule, SubmissionsModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsRepository, SubscriptionCheckService, SubscriptionsService],
})
export class SubscriptionsModule {}
