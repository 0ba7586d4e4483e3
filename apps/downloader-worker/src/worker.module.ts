import { DynamicModule, Module } from '@nestjs/common';
import { Clock, KeyedSlots } from '@mda/contracts';
import { AmqpConnection, EventPublisher, MessagingModule } from '@mda/messaging';
import { MediaStore as FinishedFiles, createMediaStore } from '@mda/media-store';
import { Logger, createLogger } from '@mda/observability';
import type { WorkerConfig } from './config/worker-config';
import { AmqpCancellationCheck } from './download/adapters/amqp-cancellation-check';
import { FfprobeMediaProbe } from './download/adapters/ffprobe-media-probe';
import { DownloadJobService } from './download/download-job.service';
import { DownloadHandler } from './download/download.handler';
import { CancellationCheck } from './download/ports/cancellation-check';
import { MediaDownloader } from './download/ports/media-downloader';
import { MediaProbe } from './download/ports/media-probe';
import { RunningJobs } from './download/running-jobs';
import { FsMediaStore } from './download/adapters/fs-media-store';
import { UploadSweeper } from './download/upload-sweeper';
import { NodeFsWorkArea } from './download/adapters/node-fs-work-area';
import { WorkArea } from './download/ports/work-area';
import { StorageRetry } from './download/storage-retry';
import { JobWorkspace } from './download/job-workspace';
import { JobAdmission } from './download/job-admission';
import { JobReporter } from './download/job-report';
import { MediaPlacement } from './download/media-placement';
import { MediaStore } from './download/ports/media-store';
import { StoreMonitor } from './download/store-monitor';
import { execToolProbe } from './tools/adapters/tool-probe';
import { ToolsMonitor } from './tools/tools-monitor';
import { MediaInspector } from './queries/ports/media-inspector';
import { WorkerQueryHandler } from './queries/worker-query.handler';
import { WORKER_CONFIG, WORKER_LOGGER, WORKER_QUERY_SLOTS } from './tokens';
import { WORKER_COOKIES_PROVIDERS } from './cookies/cookies.providers';
import { Egress } from './egress/egress';
import { ProxyEgress } from './egress/proxy-egress';
import { createMediaDownloader, createMediaInspector, ffprobePathOf } from './egress/outbound-tools';
import { ToolVersionReporter } from './tools/tool-version-reporter';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [MessagingModule.forRoot({ url: config.amqpUrl, service: 'downloader-worker' })],
      controllers: [DownloadHandler, WorkerQueryHandler],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: WORKER_LOGGER, useFactory: () => createLogger('downloader-worker', config.logLevel) },
        // the one way out for yt-dlp, aria2c, ffmpeg, ffprobe and the worker's own HTTP requests: a
        // loopback proxy that checks every dial, and a guarded client under the same policy
        { provide: Egress, inject: [WORKER_LOGGER], useFactory: (logger: Logger) => ProxyEgress.start(config.egressPolicy, logger) },
        { provide: MediaProbe, useFactory: () => new FfprobeMediaProbe(ffprobePathOf(config)) },
        {
          provide: MediaDownloader,
          inject: [Clock, MediaProbe, Egress],
          useFactory: (clock: Clock, probe: MediaProbe, egress: Egress) => createMediaDownloader(config, clock, probe, egress),
        },
        // a key's share can never be all of the slots: other keys always find one free
        { provide: WORKER_QUERY_SLOTS, useValue: new KeyedSlots(Math.min(config.queryConcurrencyPerKey, config.queryConcurrency)) },
        {
          provide: MediaInspector,
          inject: [MediaProbe, Egress],
          useFactory: (probe: MediaProbe, egress: Egress) => createMediaInspector(config, probe, egress),
        },
        {
          provide: CancellationCheck,
          inject: [AmqpConnection, EventPublisher, WORKER_LOGGER],
          useFactory: (conn: AmqpConnection, events: EventPublisher, logger: Logger) => new AmqpCancellationCheck(conn, events, logger),
        },
        RunningJobs,
        { provide: MediaStore, useFactory: () => new FsMediaStore(config.storageDir) },
        // where finished files are placed: the media folder, or the bucket (STORAGE_BACKEND)
        { provide: FinishedFiles, useFactory: () => createMediaStore(config.mediaStore) },
        // the jobs' scratch folders (STORAGE_DIR/.partial/<request id>)
        { provide: WorkArea, useFactory: () => new NodeFsWorkArea(config.storageDir) },
        {
          provide: UploadSweeper,
          inject: [FinishedFiles, Clock, WORKER_LOGGER, WorkArea],
          useFactory: (store: FinishedFiles, clock: Clock, logger: Logger, workArea: WorkArea) =>
            new UploadSweeper(store, { ageSec: config.uploadSweepAgeSec, intervalSec: config.uploadSweepIntervalSec }, clock, logger, workArea),
        },
        { provide: ToolVersionReporter, inject: [WORKER_LOGGER], useFactory: (logger: Logger) => new ToolVersionReporter(config, logger) },
        { provide: StoreMonitor, inject: [MediaStore, WORKER_LOGGER], useFactory: (store: MediaStore, logger: Logger) => new StoreMonitor(store, logger) },
        {
          provide: ToolsMonitor,
          inject: [WORKER_LOGGER],
          useFactory: (logger: Logger) =>
            new ToolsMonitor(
              [
                { name: 'yt-dlp', path: config.ytdlpPath, variable: 'YTDLP_PATH', versionArgs: ['--version'] },
                { name: 'ffmpeg', path: config.ffmpegPath, variable: 'FFMPEG_PATH', versionArgs: ['-version'] },
              ],
              execToolProbe,
              logger,
            ),
        },
        ...WORKER_COOKIES_PROVIDERS,
        // the job's steps: admission, work area, fetch (MediaDownloader), placement, reporting
        JobAdmission,
        { provide: StorageRetry, useValue: new StorageRetry() },
        JobWorkspace,
        {
          provide: MediaPlacement,
          inject: [FinishedFiles, WorkArea, Clock],
          useFactory: (store: FinishedFiles, workArea: WorkArea, clock: Clock) => new MediaPlacement(store, workArea, clock, config.publicBaseUrl),
        },
        JobReporter,
        DownloadJobService,
      ],
    };
  }
}
