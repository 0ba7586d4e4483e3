import { Global, Module } from '@nestjs/common';
import { FinishedJobFiles } from '../jobs/finished-job-files.port';
import { MediaStore } from '@mda/media-store';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { StoreMediaFiles } from './adapters/store-media-files';
import { FileRemoval } from './file-removal.service';
import { LibraryController } from './library.controller';
import { LibraryMetrics } from './library.metrics';
import { LibraryService } from './library.service';
import { MediaFiles } from './media-files.port';
import { RetentionListener } from './retention.listener';
import { RetentionService } from './retention.service';

/**
 * The library of finished jobs: deleting files, clearing and retrying jobs, retention (expiry of
 * files). Global for its one export, the FinishedJobFiles port the downloads feature asks.
 */
@Global()
@Module({
  imports: [JobsModule, FilesModule, SchedulerModule, SubmissionsModule],
  controllers: [LibraryController],
  providers: [
    { provide: MediaFiles, inject: [MediaStore], useFactory: (store: MediaStore) => new StoreMediaFiles(store) },
    FileRemoval,
    LibraryMetrics,
    LibraryService,
    { provide: FinishedJobFiles, useExisting: LibraryService },
    RetentionService,
    RetentionListener,
  ],
  exports: [FinishedJobFiles],
})
export class LibraryModule {}
