import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiExtraModels, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiError } from '../common/api-error';
import { CancelledJob, FileDeletedJob, Job, JobLogs } from '../docs/models';
import type { FastifyReply } from 'fastify';
import { FileLinks } from '@mda/file-links';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/identity';
import { CreateDownloadDto } from './dto/create-download.dto';
import { DownloadsService } from './downloads.service';
import { jobView } from '../jobs/job-view';
import { FinishedJobFiles } from '../jobs/finished-job-files.port';

@ApiTags('downloads')
@Controller('api/v1')
export class DownloadsController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly links: FileLinks,
    private readonly library: FinishedJobFiles,
  ) {}

  @Post('download')
  @ApiOp({
    summary: 'Submit a download',
    description:
      'Queues a download of `url` with the given options. Answers 202 with the job (status `queued`) and a `Location` header; follow it with GET /api/v1/download/{request_id}, the events stream or a `webhook_url`.',
    status: 202,
    type: Job,
    okDescription: 'Queued',
    body: true,
    errors: [400, 404, 503],
  })
  @HttpCode(202)
  async create(@Body() dto: CreateDownloadDto, @Identity() who: ApiKeyIdentity, @Res({ passthrough: true }) reply: FastifyReply) {
    const job = await this.downloads.create(dto, who);
    void reply.header('Location', `/api/v1/download/${job.request_id}`);
    return await jobView(job, this.links);
  }

  @Delete('download/:request_id')
  @ApiExtraModels(CancelledJob, FileDeletedJob)
  @ApiOp({
    summary: 'Cancel a download (or delete its files)',
    description:
      'Cancels a queued or running job. 200 when it was cancelled here (queued), 202 when a running worker was asked to stop; a finished job answers 409. With `delete_file=true`, a finished job answers 200 instead: a completed one has its media and sidecars removed and the answer is the job with `file_deleted`, `files_removed` and `bytes_freed` (as DELETE /download/{id}/file); a failed or cancelled one has none to remove.',
    schema: { oneOf: [{ $ref: getSchemaPath(CancelledJob) }, { $ref: getSchemaPath(FileDeletedJob) }] },
    okDescription: 'Cancelled (or, with delete_file=true on a finished job, the job with its files removed)',
    errors: [400, 404, 409, 503],
    extra: [{ status: 202, type: CancelledJob, description: 'Cancellation requested from the worker' }],
  })
  @ApiQuery({
    name: 'delete_file',
    required: false,
    schema: { type: 'boolean', default: false },
    description: 'On a finished job: remove its stored files instead of answering 409',
  })
  async cancel(
    @Param('request_id') requestId: string,
    @Identity() who: ApiKeyIdentity,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('delete_file') deleteFile?: string,
  ) {
    if (deleteFile !== undefined && deleteFile !== 'true' && deleteFile !== 'false') {
      throw new ApiError('validation_error', 'delete_file must be true or false', [{ field: 'delete_file', message: 'must be true or false' }]);
    }
    if (deleteFile === 'true') {
      const finished = await this.library.finishedJob(requestId, who);
      if (finished) return finished;
    }
    const { httpStatus, body } = await this.downloads.cancel(requestId, who);
    void reply.status(httpStatus);
    return body;
  }

  @Get('download/:request_id/logs')
  @ApiOp({ summary: "A download's log lines", description: "The downloader's last log lines for a job (kept once it is final).", type: JobLogs, errors: [404] })
  logs(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.downloads.logs(requestId, who);
  }

  @Get('download/:request_id')
  @ApiOp({
    summary: 'Status of a download',
    description: 'The job: status, progress, file_info (with a fresh signed download_url once completed), metadata and error.',
    type: Job,
    errors: [404],
  })
  get(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.downloads.get(requestId, who);
  }
}
