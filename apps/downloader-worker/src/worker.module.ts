import { DynamicModule, Module } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { MessagingModule } from '@mda/messaging';
import { GuardedHttpClient } from '@mda/net-guard';
import { createLogger } from '@mda/observability';
import type { WorkerConfig } from './config/worker-config';
import { FfprobeMediaProbe } from './download/adapters/ffprobe-media-probe';
import { HttpMediaDownloader } from './download/adapters/http/http-media-downloader';
import { YtDlpMediaDownloader } from './download/adapters/yt-dlp/yt-dlp-media-downloader';
import { DownloadJobService } from './download/download-job.service';
import { DownloadHandler } from './download/download.handler';
import { MediaDownloader } from './download/ports/media-downloader';
import { RoutingMediaDownloader } from './download/routing-media-downloader';
import { RunningJobs } from './download/running-jobs';
import { WORKER_CONFIG, WORKER_LOGGER } from './tokens';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [MessagingModule.forRoot({ url: config.amqpUrl, service: 'downloader-worker' })],
      controllers: [DownloadHandler],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: WORKER_LOGGER, useFactory: () => createLogger('downloader-worker', config.logLevel) },
        {
          provide: MediaDownloader,
          inject: [Clock],
          useFactory: (clock: Clock) => {
            const ffprobePath = config.ffmpegPath.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1');
            const http = new GuardedHttpClient({ allowPrivate: config.allowPrivateNetworks, connections: 16 });
            return new RoutingMediaDownloader(
              new HttpMediaDownloader(http, new FfprobeMediaProbe(ffprobePath), () => clock.nowMs()),
              new YtDlpMediaDownloader({ ytdlpPath: config.ytdlpPath, ffmpegPath: config.ffmpegPath, ffprobePath }),
            );
          },
        },
        RunningJobs,
        DownloadJobService,
      ],
    };
  }
}
