import type { Provider, Type } from '@nestjs/common';
import { CookieVault } from './cookie-vault';
import { CookiesController } from './cookies.controller';
import { CookiesRepository } from './cookies.repository';
import { CookiesService } from './cookies.service';

/** Cookie upload and use, spread into AppModule. */
export const COOKIES_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [CookiesController],
  providers: [CookiesRepository, CookieVault, CookiesService],
};
