import type { Provider, Type } from '@nestjs/common';
import { CHANNELS_FEATURE } from '../channels/channels.feature';
import { COOKIES_FEATURE } from '../cookies/cookies.feature';
import { DownloadsListController } from '../downloads/downloads-list.controller';
import { DownloadsListService } from '../downloads/downloads-list.service';
import { PLAYLISTS_FEATURE } from '../playlists/playlists.feature';
import { RATE_LIMIT_FEATURE } from '../rate-limit/rate-limit.feature';
import { BATCHES_FEATURE } from './batches.feature';

/** The listing, batch, playlist, channel and cookie endpoints and the rate limit, spread into AppModule in one place. */
export const API_FEATURES: { controllers: Type[]; providers: Provider[]; guards: Provider[] } = {
  controllers: [
    DownloadsListController,
    ...BATCHES_FEATURE.controllers,
    ...PLAYLISTS_FEATURE.controllers,
    ...CHANNELS_FEATURE.controllers,
    ...COOKIES_FEATURE.controllers,
  ],
  providers: [DownloadsListService, ...BATCHES_FEATURE.providers, ...PLAYLISTS_FEATURE.providers, ...CHANNELS_FEATURE.providers, ...COOKIES_FEATURE.providers],
  guards: RATE_LIMIT_FEATURE.providers,
};
