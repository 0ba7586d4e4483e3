import { Inject, Injectable } from '@nestjs/common';
import { QUEUES } from '@mda/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { JobsRepository } from '../store/jobs.repository';
import { appVersion } from './adapters/app-version';
import { QueueStats } from '../worker-queries/queue-stats';
import { NO_WORKER_MESSAGE } from '../worker-queries/worker-presence';
import { WorkerToolsCache } from './worker-tools';
import { diskSpace } from './adapters/disk-space';

/** The numbers of GET /api/v1/health/stats and GET /version. */
@Injectable()
export class SystemStatsService {
  private readonly version = appVersion();

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queues: QueueStats,
    private readonly tools: WorkerToolsCache,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async stats() {
    const [jobs, queues, disk] = await Promise.all([this.jobs.countByStatus(), this.queues.depths(), this.disk()]);
    const workers = queues ? (queues[QUEUES.downloaderJobs]?.consumers ?? 0) : null;
    // asked only when a worker listens for queries (a paused worker still does): else it would only time out
    const listeners = queues ? (queues[QUEUES.downloaderMetadata]?.consumers ?? 0) : null;
    const tools = listeners === 0 ? null : await this.tools.get();
    const warnings: string[] = [];
    if (workers === 0) warnings.push(NO_WORKER_MESSAGE);
    for (const t of tools?.tools ?? []) if (t.error) warnings.push(`a worker reports ${t.name} ${t.error} at ${t.path}`);
    return {
      version: this.version,
      jobs: { ...jobs, total: Object.values(jobs).reduce((a, b) => a + b, 0) },
      queues,
      workers: {
        count: workers,
        waiting_for_worker: workers === 0 && jobs.queued > 0,
        tools: tools?.tools ?? null,
        tools_reported_at: tools?.reported_at ?? null,
      },
      disk,
      warnings,
    };
  }

  async versionInfo() {
    const queues = await this.queues.depths();
    const tools = queues && (queues[QUEUES.downloaderMetadata]?.consumers ?? 0) === 0 ? null : await this.tools.get();
    const find = (name: string) => tools?.tools.find((t) => t.name === name)?.version ?? null;
    return {
      name: 'media-download-api',
      version: this.version,
      api_version: 'v1',
      node: process.version,
      yt_dlp_version: find('yt-dlp'),
      ffmpeg_version: find('ffmpeg'),
    };
  }

  /** Space on the media folder's file system (STORAGE_DIR). */
  private disk() {
    return diskSpace(this.config.storageDir);
  }
}
