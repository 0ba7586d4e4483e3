import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FileLinks } from '@mda/file-links';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { CreateDownloadDto } from './dto/create-download.dto';
import { DownloadsService } from './downloads.service';
import { jobView } from './job-view';

@Controller('api/v1')
export class DownloadsController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly links: FileLinks,
  ) {}

  @Post('download')
  @HttpCode(202)
  async create(@Body() dto: CreateDownloadDto, @Identity() who: ApiKeyIdentity, @Res({ passthrough: true }) reply: FastifyReply) {
    const job = await this.downloads.create(dto, who);
    void reply.header('Location', `/api/v1/download/${job.request_id}`);
    return jobView(job, this.links);
  }

  @Delete('download/:request_id')
  async cancel(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity, @Res({ passthrough: true }) reply: FastifyReply) {
    const { httpStatus, body } = await this.downloads.cancel(requestId, who);
    void reply.status(httpStatus);
    return body;
  }

  @Get('download/:request_id/logs')
  logs(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.downloads.logs(requestId, who);
  }

  @Get('download/:request_id')
  get(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.downloads.get(requestId, who);
  }
}
