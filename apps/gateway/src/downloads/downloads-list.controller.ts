import { Controller, Get, Query } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { JobList } from '../docs/models';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { DownloadsListService } from './downloads-list.service';
import { ListDownloadsQuery } from './list-downloads.query';

@ApiTags('downloads')
@Controller('api/v1')
export class DownloadsListController {
  constructor(private readonly downloads: DownloadsListService) {}

  @Get('downloads')
  @ApiOp({
    summary: 'List downloads',
    description: "The caller's jobs, newest first, filtered by status or batch, a page at a time (next_cursor).",
    type: JobList,
    errors: [400],
  })
  list(@Query() q: ListDownloadsQuery, @Identity() who: ApiKeyIdentity) {
    return this.downloads.list(q, who);
  }
}
