import type { Provider, Type } from '@nestjs/common';
import { MediaStore } from '@mda/media-store';
import { StoreMediaFiles } from './adapters/store-media-files';
import { FileRemoval } from './file-removal.service';
import { LibraryController } from './library.controller';
import { LibraryMetrics } from './library.metrics';
import { LibraryService } from './library.service';
import { MediaFiles } from './media-files.port';
import { RetentionService } from './retention.service';

/** Deleting files, clearing and retrying jobs, retention; spread into AppModule. */
export const LIBRARY_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [LibraryController],
  providers: [
    { provide: MediaFiles, inject: [MediaStore], useFactory: (store: MediaStore) => new StoreMediaFiles(store) },
    FileRemoval,
    LibraryMetrics,
    LibraryService,
    RetentionService,
  ],
};
