import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { PlaylistDownloadDto, PlaylistPreviewQuery } from './dto/playlist.dto';
import { PlaylistsService } from './playlists.service';

@ApiTags('playlists')
@ApiSecurity('api_key')
@Controller('api/v1/playlist')
export class PlaylistsController {
  constructor(private readonly playlists: PlaylistsService) {}

  @Get('preview')
  preview(@Query() q: PlaylistPreviewQuery, @Identity() who: ApiKeyIdentity) {
    return this.playlists.preview(q, who);
  }

  @Post('download')
  @HttpCode(202)
  download(@Body() dto: PlaylistDownloadDto, @Identity() who: ApiKeyIdentity) {
    return this.playlists.download(dto, who);
  }
}
