import { Module } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { FilesModule } from '../files/files.module';
import { JobsModule } from '../jobs/jobs.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { AmqpDownloadCapacity, DownloadCapacity } from './adapters/download-capacity';
import { BatchDispatcher } from './batch-dispatcher.service';
import { BatchReleaseListener } from './batch-release.listener';
import { BatchSweeper } from './batch-sweeper';
import { BatchesController } from './batches.controller';
import { BatchesRepository } from './batches.repository';
import { BatchesService } from './batches.service';
import { Listings } from './listings.service';
import { ArchiveListener } from './archive.listener';
import { DownloadArchiveRepository } from '../store/download-archive.repository';

/**
 * Batches of downloads: their release under concurrent_limit as children finish, cancel, and
 * batch.completed; and the listings batches are built from, with the per-key download archive
 * (skip_downloaded) kept up to date as jobs complete.
 */
@Module({
  imports: [JobsModule, SubmissionsModule, FilesModule],
  controllers: [BatchesController],
  providers: [
    BatchesRepository,
    { provide: DownloadCapacity, inject: [GATEWAY_CONFIG, Clock], useFactory: (c: GatewayConfig, clock: Clock) => new AmqpDownloadCapacity(c.amqpUrl, clock) },
    BatchDispatcher,
    BatchSweeper,
    BatchesService,
    BatchReleaseListener,
    DownloadArchiveRepository,
    ArchiveListener,
    Listings,
  ],
  exports: [BatchesService, Listings, DownloadArchiveRepository],
})
export class BatchesModule {}
