import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ChannelAccepted, ChannelInfo } from '../docs/batch-models';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { ChannelsService } from './channels.service';
import { ChannelDownloadDto, ChannelInfoQuery } from './dto/channel.dto';

@ApiTags('channels')
@Controller('api/v1/channel')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get('info')
  @ApiOp({
    summary: 'Channel info',
    description: "A channel's videos (filtered), asked of a worker: a page of those that pass the filters.",
    type: ChannelInfo,
    errors: [400, 404, 503, 504],
  })
  info(@Query() q: ChannelInfoQuery, @Identity() who: ApiKeyIdentity) {
    return this.channels.info(q, who);
  }

  @Post('download')
  @ApiOp({
    summary: 'Download a channel',
    description: "Queues a channel's videos (filtered) as a batch (follow it with GET /api/v1/batch/{batch_id}).",
    status: 202,
    type: ChannelAccepted,
    okDescription: 'Queued',
    body: true,
    errors: [400, 404, 503, 504],
  })
  @HttpCode(202)
  download(@Body() dto: ChannelDownloadDto, @Identity() who: ApiKeyIdentity) {
    return this.channels.download(dto, who);
  }
}
