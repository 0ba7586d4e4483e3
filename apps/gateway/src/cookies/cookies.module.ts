import { Global, Module } from '@nestjs/common';
import { CookieAccess } from '../submissions/cookie-access.port';
import { CookieVault } from './cookie-vault';
import { CookiesController } from './cookies.controller';
import { CookiesRepository } from './cookies.repository';
import { CookiesService } from './cookies.service';

/**
 * Uploaded cookie files of a key (sealed at rest), and their use by downloads and listings through
 * the CookieAccess port. Global: the port is what submissions, metadata and listings ask.
 */
@Global()
@Module({
  controllers: [CookiesController],
  providers: [CookiesRepository, CookieVault, CookiesService, { provide: CookieAccess, useExisting: CookiesService }],
  exports: [CookieAccess],
})
export class CookiesModule {}
