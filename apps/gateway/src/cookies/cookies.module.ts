import { Module } from '@nestjs/common';
import { CookieVault } from './cookie-vault';
import { CookiesController } from './cookies.controller';
import { CookiesRepository } from './cookies.repository';
import { CookiesService } from './cookies.service';

/** Uploaded cookie files of a key (sealed at rest), and their use by downloads and listings. */
@Module({
  controllers: [CookiesController],
  providers: [CookiesRepository, CookieVault, CookiesService],
  exports: [CookiesService],
})
export class CookiesModule {}
