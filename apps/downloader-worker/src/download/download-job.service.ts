import { Inject, Injectable } from '@nestjs/common';
import { DownloadRequested } from '@mda/contracts';
import { HandlerOutcome } from '@mda/messaging';
import { Logger, errorFields } from '@mda/observability';
import { WORKER_CONFIG, WORKER_LOGGER } from '../tokens';
import type { WorkerConfig } from '../config/worker-config';
import { JobAdmission } from './job-admission';
import { FinalEvent, JobReporter } from './job-report';
import { JobWorkspace } from './job-workspace';
import { MediaPlacement } from './media-placement';
import { DownloadError, MediaDownloader } from './ports/media-downloader';
import { RunningJobs, WorkerShuttingDown } from './running-jobs';
import { StoreMonitor } from './store-monitor';

/**
 * One download job from command to final event, in steps behind ports: admission, work area,
 * fetch (MediaDownloader), placement (MediaStore), reporting (EventPublisher).
 */
@Injectable()
export class DownloadJobService {
  constructor(
    private readonly admission: JobAdmission,
    private readonly running: RunningJobs,
    private readonly workspace: JobWorkspace,
    private readonly downloader: MediaDownloader,
    private readonly placement: MediaPlacement,
    private readonly reporter: JobReporter,
    private readonly store: StoreMonitor,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {}

  async run(cmd: DownloadRequested): Promise<HandlerOutcome> {
    const id = cmd.request_id;
    const log = this.logger.child({ request_id: id });
    const admission = await this.admission.admit(id);
    if (admission.verdict === 'requeue') {
      log.warn({ event: 'download.requeued', reason: admission.reason }, 'media store unusable: job handed back to the queue');
      return 'requeue';
    }
    if (admission.verdict === 'cancelled') {
      log.info({ event: 'download.cancelled' }, 'job was cancelled while queued: skipped');
      await this.reporter.cancelledWhileQueued(cmd);
      return 'ack';
    }
    const controller = this.running.start(id);
    const timeoutSec = Math.min(cmd.options.timeout_sec, this.config.downloadTimeoutSec);
    const timer = setTimeout(() => controller.abort(new DownloadError('timed_out', `Download timed out after ${timeoutSec} s`)), timeoutSec * 1000);
    const report = this.reporter.open(cmd, log);
    try {
      const placed: string[] = [];
      let final: FinalEvent;
      try {
        // inside the try: a store that cannot be written fails the job (storage_error), never strands it
        const { workDir, cookiesFile } = await this.workspace.open(cmd, log);
        const result = await this.downloader.download(
          { requestId: id, url: cmd.url, options: cmd.options, workDir, maxBytes: this.config.maxFileBytes, cookiesFile },
          { onProgress: report.onProgress, onLog: report.onLog, onMetadata: report.onMetadata, signal: controller.signal },
        );
        // a cancel (or the time limit) during the upload aborts it: nothing is left in the store
        const fileInfo = await this.placement.place(cmd, result, { signal: controller.signal, placed });
        final = report.completed(fileInfo, result.metadata);
      } catch (err) {
        if (controller.signal.reason instanceof WorkerShuttingDown) {
          // stopped by SIGTERM after the grace period: another replica runs it from the start
          await report.abandon();
          log.warn({ event: 'download.requeued' }, 'download stopped by shutdown: back to the queue');
          return 'requeue';
        }
        final = report.failed(await this.failure(err, placed, log));
      }
      // a publish failure here throws: the job is requeued, never reported as failed
      await report.finish(final);
      return 'ack';
    } finally {
      clearTimeout(timer);
      report.close();
      this.running.finish(id);
      await this.workspace.close(id);
    }
  }

  /** What a failed step means for the job: its error class, the store's when the store is the cause. */
  private async failure(err: unknown, placed: readonly string[], log: Logger): Promise<DownloadError> {
    let e = err instanceof DownloadError ? err : new DownloadError('internal_error', `Internal error: ${errorFields(err).message}`);
    if (e.code !== 'cancelled') {
      // whatever step failed, an unusable store is the cause to report (and this worker pauses)
      const storeReason = await this.store.confirmFailure();
      if (storeReason) e = new DownloadError('storage_error', `Media store unusable: ${storeReason}`);
    }
    // cancelled between two uploads: the files already stored go too
    if (e.code === 'cancelled' && placed.length > 0) await this.placement.discard(placed, log);
    if (e.code === 'storage_error' || e.code === 'internal_error') log.error({ err: errorFields(err), error_code: e.code }, 'download step failed');
    return e;
  }
}
