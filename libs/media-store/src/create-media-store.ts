import type { MediaStoreConfig } from '@mda/config';
import { LocalMediaStore } from './local-media-store';
import type { MediaStore } from './media-store';

/**
 * The store STORAGE_BACKEND names: the STORAGE_DIR folder, or the S3 bucket (STORAGE_DIR is then
 * only scratch). The S3 adapter and the AWS SDK are loaded only for `s3`, so a worker on the local
 * folder does not pay their start-up time.
 */
export async function createMediaStore(config: MediaStoreConfig): Promise<MediaStore> {
  if (config.backend === 'local') return new LocalMediaStore(config.storageDir);
  const { S3MediaStore } = await import('./s3-media-store');
  const { endpoint, region, bucket, prefix, credentials, forcePathStyle } = config.s3;
  return new S3MediaStore({ endpoint, region, bucket, prefix, credentials, forcePathStyle });
}
