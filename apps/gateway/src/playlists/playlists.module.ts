import { Module } from '@nestjs/common';
import { BatchesModule } from '../batches/batches.module';
import { JobsModule } from '../jobs/jobs.module';
import { ArchiveListener } from './archive.listener';
import { PlaylistsController } from './playlists.controller';
import { PlaylistsService } from './playlists.service';

/** Playlist preview and download (as a batch), listings through a worker, and the per-key download archive. */
@Module({
  imports: [JobsModule, BatchesModule],
  controllers: [PlaylistsController],
  providers: [PlaylistsService, ArchiveListener],
})
export class PlaylistsModule {}
