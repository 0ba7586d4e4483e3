import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { ChannelsService } from './channels.service';
import { ChannelDownloadDto, ChannelInfoQuery } from './dto/channel.dto';

@ApiTags('channels')
@ApiSecurity('api_key')
@Controller('api/v1/channel')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get('info')
  info(@Query() q: ChannelInfoQuery, @Identity() who: ApiKeyIdentity) {
    return this.channels.info(q, who);
  }

  @Post('download')
  @HttpCode(202)
  download(@Body() dto: ChannelDownloadDto, @Identity() who: ApiKeyIdentity) {
    return this.channels.download(dto, who);
  }
}
