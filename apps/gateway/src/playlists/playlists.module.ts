import { Module } from '@nestjs/common';
import { BatchesModule } from '../batches/batches.module';
import { JobsModule } from '../jobs/jobs.module';
import { PlaylistsController } from './playlists.controller';
import { PlaylistsService } from './playlists.service';

/** Playlist preview and download (as a batch), from the batches module's listings and download archive. */
@Module({
  imports: [JobsModule, BatchesModule],
  controllers: [PlaylistsController],
  providers: [PlaylistsService],
})
export class PlaylistsModule {}
