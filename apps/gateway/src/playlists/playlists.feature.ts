import type { Provider, Type } from '@nestjs/common';
import { DownloadArchiveRepository } from './download-archive.repository';
import { PlaylistsController } from './playlists.controller';
import { PlaylistsService } from './playlists.service';

/** Playlist preview and download, and the per-key download archive; spread into AppModule. */
export const PLAYLISTS_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [PlaylistsController],
  providers: [DownloadArchiveRepository, PlaylistsService],
};
