import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyIdentity } from '../common/api-keys';
import { Identity } from '../common/api-key.guard';
import { CreateDownloadDto } from './dto/create-download.dto';
import { DownloadsService } from './downloads.service';
import { jobView } from './job-view';

@Controller('api/v1')
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  @Post('download')
  @HttpCode(202)
  async create(@Body() dto: CreateDownloadDto, @Identity() who: ApiKeyIdentity, @Res({ passthrough: true }) reply: FastifyReply) {
    const job = await this.downloads.create(dto, who);
    void reply.header('Location', `/api/v1/download/${job.request_id}`);
    return jobView(job);
  }

  @Get('download/:request_id')
  get(@Param('request_id') requestId: string, @Identity() who: ApiKeyIdentity) {
    return this.downloads.get(requestId, who);
  }
}
