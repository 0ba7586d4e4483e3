import { Module } from '@nestjs/common';
import { FileLinks } from '@mda/file-links';
import { MediaStore } from '@mda/media-store';
import { JobsModule } from '../jobs/jobs.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { FILE_LINKS_PROVIDER } from './file-links.provider';
import { FilesController } from './files.controller';
import { MEDIA_STORE_PROVIDER } from './media-store.provider';

/** GET /files/{filepath} for owners and signed links; the link signer every job view uses; the media store. */
@Module({
  imports: [JobsModule, RateLimitModule],
  controllers: [FilesController],
  providers: [FILE_LINKS_PROVIDER, MEDIA_STORE_PROVIDER],
  exports: [FileLinks, MediaStore],
})
export class FilesModule {}
