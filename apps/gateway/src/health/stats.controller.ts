import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiOp } from '../docs/decorators';
import { SystemStats, VersionInfo } from '../docs/batch-models';
import { Public } from '../common/identity';
import { SystemStatsService } from './system-stats.service';

/** The original service's /version and /health/stats; like the other health routes they need no key. */
@Public()
@ApiTags('health')
@Controller()
export class StatsController {
  constructor(private readonly stats: SystemStatsService) {}

  @Get('version')
  @ApiOp({
    summary: 'Version',
    description:
      'The service name, version and API version, the Node version, and the yt-dlp and ffmpeg versions the workers report (the original service had this route).',
    type: VersionInfo,
    public: true,
  })
  version() {
    return this.stats.versionInfo();
  }

  @Get(['api/v1/health/stats', 'health/stats'])
  @ApiOp({
    summary: 'System statistics',
    description:
      "Job counts by status, queue depths and consumers, worker count, disk use of the media folder, the workers' tool versions, and warnings (for example no worker consuming jobs).",
    type: SystemStats,
    public: true,
  })
  health() {
    return this.stats.stats();
  }
}
