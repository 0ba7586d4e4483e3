import { OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from '@mda/observability';
import { NodeProcessSpawner, ProcessSpawner } from '../download/adapters/yt-dlp/process-spawner';
import { ToolPaths, reportToolVersions } from './tool-versions';

/** Asks yt-dlp and ffmpeg their versions once at start, in the background (start-up does not wait). */
export class ToolVersionReporter implements OnApplicationBootstrap {
  constructor(
    private readonly paths: ToolPaths,
    private readonly logger: Logger,
    private readonly spawner: ProcessSpawner = new NodeProcessSpawner(),
  ) {}

  onApplicationBootstrap(): void {
    reportToolVersions(this.spawner, this.paths, this.logger).catch((err: Error) =>
      this.logger.warn({ err: { message: err.message } }, 'could not read tool versions'),
    );
  }
}
