import type { Provider, Type } from '@nestjs/common';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

/** Channel info and download (listings through a worker, downloads as a batch); spread into AppModule. */
export const CHANNELS_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [ChannelsController],
  providers: [ChannelsService],
};
