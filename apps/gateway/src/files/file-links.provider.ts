import type { Provider } from '@nestjs/common';
import { Kysely } from 'kysely';
import { Clock } from '@mda/contracts';
import { FileLinks, storedFilesSigningSecret } from '@mda/file-links';
import { MediaStore } from '@mda/media-store';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { DATABASE } from '../store/database.tokens';
import type { Database } from '../store/schema';

/**
 * Hands out `download_url`s (signed /files links, or presigned GETs on the bucket) and checks `download_url`s with FILES_SIGNING_SECRET or, when it is unset, the random
 * secret kept in the job store (made by the first process that asks, the same for every replica).
 */
export const FILE_LINKS_PROVIDER: Provider = {
  provide: FileLinks,
  useFactory: async (config: GatewayConfig, db: Kysely<Database>, clock: Clock, store: MediaStore) =>
    new FileLinks(
      config.filesSigningSecret ?? (await storedFilesSigningSecret(db)),
      config.filesUrlTtlSec,
      clock,
      // S3 with S3_PUBLIC_DOWNLOADS: download_url is the bucket's presigned GET; otherwise /files serves
      config.mediaStore.backend === 's3' && config.mediaStore.s3.publicDownloads ? store : undefined,
    ),
  inject: [GATEWAY_CONFIG, DATABASE, Clock, MediaStore],
};
