import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { ApiOp } from '../docs/decorators';
import { ClearedDownloads, FileDeletedJob, Job, RetriedFailed, StorageUsage } from '../docs/models';
import { ClearDownloadsDto, RetryFailedDto } from './dto/library.dto';
import { LibraryService } from './library.service';

@ApiTags('downloads')
@Controller('api/v1')
export class LibraryController {
  constructor(private readonly library: LibraryService) {}

  @Delete('download/:request_id/file')
  @ApiOp({
    summary: "Delete a download's files",
    description:
      'Removes the media file and its sidecars (subtitles, thumbnail, info.json, nfo) of a completed job. The job stays, flagged `file_deleted` with `file_info.deleted_at`; /files and signed links for them answer 404 from now on. A job that is not completed answers 409.',
    type: FileDeletedJob,
    errors: [404, 409],
  })
  deleteFile(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.library.deleteFile(requestId, who);
  }

  @Post('download/:request_id/retry')
  @HttpCode(202)
  @ApiOp({
    summary: 'Retry a download',
    description:
      'Queues a failed or cancelled job again as a new job with the same URL, options and webhook; the new job names the old one in `retry_of`. Any other status answers 409.',
    status: 202,
    type: Job,
    okDescription: 'Queued',
    errors: [404, 409, 503],
  })
  retry(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.library.retry(requestId, who);
  }

  @Post('downloads/retry-failed')
  @HttpCode(202)
  @ApiOp({
    summary: 'Retry every failed download',
    description:
      'Retries each failed job of the key (of one batch with `batch_id`) that no job retries yet, up to 1000 per call (`more` says there are others).',
    status: 202,
    type: RetriedFailed,
    okDescription: 'Queued',
    body: true,
    errors: [400, 503],
  })
  retryFailed(@Body() dto: RetryFailedDto, @Identity() who: ApiKeyIdentity) {
    return this.library.retryFailed(dto, who);
  }

  @Post('downloads/clear')
  @HttpCode(200)
  @ApiOp({
    summary: 'Clear finished downloads',
    description:
      "Removes the key's finished job records in the given statuses (default completed, failed and cancelled), up to 1000 per call. With `delete_files: true` their stored files go too; otherwise the files stay (a retention still removes them).",
    type: ClearedDownloads,
    body: true,
    errors: [400],
  })
  clear(@Body() dto: ClearDownloadsDto, @Identity() who: ApiKeyIdentity) {
    return this.library.clear(dto, who);
  }

  @Get('usage')
  @ApiOp({
    summary: 'Storage used',
    description: 'Files and bytes stored for the calling key (deleted and expired files no longer count).',
    type: StorageUsage,
    errors: [],
  })
  usage(@Identity() who: ApiKeyIdentity) {
    return this.library.usage(who);
  }
}
