import type { Provider } from '@nestjs/common';
import { MediaStore, createMediaStore } from '@mda/media-store';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';

/** The store STORAGE_BACKEND names (the STORAGE_DIR folder or the S3 bucket): `/files` reads it, deletion and retention remove from it. */
export const MEDIA_STORE_PROVIDER: Provider = {
  provide: MediaStore,
  useFactory: (config: GatewayConfig) => createMediaStore(config.mediaStore),
  inject: [GATEWAY_CONFIG],
};
