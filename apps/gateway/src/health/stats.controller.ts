import { Controller, Get } from '@nestjs/common';
import { Public } from '../common/api-key.guard';
import { SystemStatsService } from './system-stats.service';

/** The original service's /version and /health/stats; like the other health routes they need no key. */
@Public()
@Controller()
export class StatsController {
  constructor(private readonly stats: SystemStatsService) {}

  @Get('version')
  version() {
    return this.stats.versionInfo();
  }

  @Get(['api/v1/health/stats', 'health/stats'])
  health() {
    return this.stats.stats();
  }
}
