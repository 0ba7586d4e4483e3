import type { Provider } from '@nestjs/common';
import { Kysely } from 'kysely';
import { Clock } from '@mda/contracts';
import { FileLinks, storedFilesSigningSecret } from '@mda/file-links';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import type { Database } from '../store/schema';

/**
 * Signs and checks `download_url`s with FILES_SIGNING_SECRET or, when it is unset, the random
 * secret kept in the job store (made by the first process that asks, the same for every replica).
 */
export const FILE_LINKS_PROVIDER: Provider = {
  provide: FileLinks,
  useFactory: async (config: GatewayConfig, db: Kysely<Database>, clock: Clock) =>
    new FileLinks(config.filesSigningSecret ?? (await storedFilesSigningSecret(db)), config.filesUrlTtlSec, clock),
  inject: [GATEWAY_CONFIG, 'DB', Clock],
};
