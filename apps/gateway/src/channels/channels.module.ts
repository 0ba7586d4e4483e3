import { Module } from '@nestjs/common';
import { BatchesModule } from '../batches/batches.module';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

/** Channel info and download: a listing filtered and sorted, downloaded as a batch. */
@Module({
  imports: [BatchesModule],
  controllers: [ChannelsController],
  providers: [ChannelsService],
})
export class ChannelsModule {}
