import { Module } from '@nestjs/common';
import { BatchesModule } from '../batches/batches.module';
import { CookiesModule } from '../cookies/cookies.module';
import { JobsModule } from '../jobs/jobs.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { ArchiveListener } from './archive.listener';
import { DownloadArchiveRepository } from './download-archive.repository';
import { PlaylistsController } from './playlists.controller';
import { PlaylistsService } from './playlists.service';

/** Playlist preview and download (as a batch), listings through a worker, and the per-key download archive. */
@Module({
  imports: [JobsModule, BatchesModule, SubmissionsModule, CookiesModule],
  controllers: [PlaylistsController],
  providers: [DownloadArchiveRepository, PlaylistsService, ArchiveListener],
  exports: [PlaylistsService, DownloadArchiveRepository],
})
export class PlaylistsModule {}
