import { Controller, Get, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { DownloadsListService } from './downloads-list.service';
import { ListDownloadsQuery } from './list-downloads.query';

@ApiTags('downloads')
@ApiSecurity('api_key')
@Controller('api/v1')
export class DownloadsListController {
  constructor(private readonly downloads: DownloadsListService) {}

  @Get('downloads')
  list(@Query() q: ListDownloadsQuery, @Identity() who: ApiKeyIdentity) {
    return this.downloads.list(q, who);
  }
}
