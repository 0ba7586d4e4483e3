import type { Provider, Type } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { LocalMediaFiles } from './adapters/local-media-files';
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
    { provide: MediaFiles, inject: [GATEWAY_CONFIG], useFactory: (c: GatewayConfig) => new LocalMediaFiles(c.storageDir) },
    FileRemoval,
    LibraryMetrics,
    LibraryService,
    RetentionService,
  ],
};
