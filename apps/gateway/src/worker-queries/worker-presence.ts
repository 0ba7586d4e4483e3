import { Injectable } from '@nestjs/common';
import { QUEUES } from '@mda/contracts';
import { QueueStats } from './queue-stats';

/** What a queued job, /health/ready and the stats say when no worker consumes the job queue. */
export const NO_WORKER_MESSAGE =
  'No downloader worker is consuming downloader.jobs: queued jobs wait (they are not lost) until a worker runs. Start one (npm start, or the downloader-worker app) and check its /health/ready for a missing tool (yt-dlp, ffmpeg) or storage problem.';

/** Whether any downloader worker consumes the job queue (its consumer count on the broker). */
@Injectable()
export class WorkerPresence {
  constructor(private readonly stats: QueueStats) {}

  /** Consumers on downloader.jobs; null when the broker cannot say. */
  async workers(): Promise<number | null> {
    const d = await this.stats.depths();
    return d ? (d[QUEUES.downloaderJobs]?.consumers ?? 0) : null;
  }

  /** The note for a job or health answer: set only when the broker says no worker consumes jobs. */
  async waitingNote(): Promise<string | null> {
    return (await this.workers()) === 0 ? NO_WORKER_MESSAGE : null;
  }
}
