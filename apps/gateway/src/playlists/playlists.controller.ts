import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { PlaylistAccepted, PlaylistPreview } from '../docs/batch-models';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { PlaylistDownloadDto, PlaylistPreviewQuery } from './dto/playlist.dto';
import { PlaylistsService } from './playlists.service';

@ApiTags('playlists')
@Controller('api/v1/playlist')
export class PlaylistsController {
  constructor(private readonly playlists: PlaylistsService) {}

  @Get('preview')
  @ApiOp({
    summary: 'Preview a playlist',
    description: 'The entries of a playlist, asked of a worker, without downloading. At most 1000 entries are read; a page of them is returned.',
    type: PlaylistPreview,
    errors: [400, 404, 503, 504],
  })
  preview(@Query() q: PlaylistPreviewQuery, @Identity() who: ApiKeyIdentity) {
    return this.playlists.preview(q, who);
  }

  @Post('download')
  @ApiOp({
    summary: 'Download a playlist',
    description: 'Lists the playlist with a worker and queues its entries as a batch (follow it with GET /api/v1/batch/{batch_id}).',
    status: 202,
    type: PlaylistAccepted,
    okDescription: 'Queued',
    body: true,
    errors: [400, 404, 503, 504],
  })
  @HttpCode(202)
  download(@Body() dto: PlaylistDownloadDto, @Identity() who: ApiKeyIdentity) {
    return this.playlists.download(dto, who);
  }
}
