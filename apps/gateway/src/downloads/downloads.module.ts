import { Module } from '@nestjs/common';
import { CookiesModule } from '../cookies/cookies.module';
import { FilesModule } from '../files/files.module';
import { HealthModule } from '../health/health.module';
import { JobsModule } from '../jobs/jobs.module';
import { LibraryModule } from '../library/library.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DownloadsListController } from './downloads-list.controller';
import { DownloadsListService } from './downloads-list.service';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { MetadataController } from './metadata.controller';

/** Single downloads: submit, status, cancel, logs, the list, and metadata without downloading. */
@Module({
  imports: [JobsModule, SubmissionsModule, CookiesModule, FilesModule, HealthModule, WebhooksModule, LibraryModule],
  controllers: [DownloadsController, DownloadsListController, MetadataController],
  providers: [DownloadsService, DownloadsListService],
})
export class DownloadsModule {}
