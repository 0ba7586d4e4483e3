import type { MediaStoreConfig } from '@mda/config';
import { LocalMediaStore } from './local-media-store';
import type { MediaStore } from './media-store';
import { S3MediaStore } from './s3-media-store';

/** The store STORAGE_BACKEND names: the STORAGE_DIR folder, or the S3 bucket (STORAGE_DIR is then only scratch). */
export function createMediaStore(config: MediaStoreConfig): MediaStore {
  if (config.backend === 'local') return new LocalMediaStore(config.storageDir);
  const { endpoint, region, bucket, prefix, credentials, forcePathStyle } = config.s3;
  return new S3MediaStore({ endpoint, region, bucket, prefix, credentials, forcePathStyle });
}
