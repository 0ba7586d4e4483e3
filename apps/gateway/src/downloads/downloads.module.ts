import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { DownloadsListController } from './downloads-list.controller';
import { DownloadsListService } from './downloads-list.service';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { MetadataController } from './metadata.controller';

/** Single downloads: submit, status, cancel, logs, the list, and metadata without downloading. */
@Module({
  imports: [JobsModule, SubmissionsModule, FilesModule],
  controllers: [DownloadsController, DownloadsListController, MetadataController],
  providers: [DownloadsService, DownloadsListService],
})
export class DownloadsModule {}
