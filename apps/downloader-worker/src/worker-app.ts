import { SUBSCRIPTIONS } from '@mda/contracts';
import { ConsumerAppOptions } from '@mda/messaging';
import { WorkerConfig, loadWorkerConfig } from './config/worker-config';
import { RunningJobs } from './download/running-jobs';
import { StoreMonitor } from './download/store-monitor';
import { IntakeGate } from './tools/intake-gate';
import { ToolsMonitor } from './tools/tools-monitor';
import { WorkerModule } from './worker.module';

/** The subscriptions the worker consumes; each has exactly one handler (checked at start-up). */
export const WORKER_SUBSCRIPTIONS = [SUBSCRIPTIONS.downloaderJobs.name, SUBSCRIPTIONS.workerControl.name, SUBSCRIPTIONS.workerQueries.name] as const;

/** How the worker runs (main.ts); its start-up test builds it from here too. */
export const WORKER_APP: ConsumerAppOptions<WorkerConfig> = {
  subscriptions: WORKER_SUBSCRIPTIONS,
  service: 'downloader-worker',
  loadConfig: loadWorkerConfig,
  module: (config) => WorkerModule.forRoot(config),
  // WORKER_CONCURRENCY is the job queue's prefetch: that many downloads at once per replica;
  // WORKER_QUERY_CONCURRENCY the query queue's (metadata and listings)
  prefetchFor: (name, config) => {
    if (name === SUBSCRIPTIONS.downloaderJobs.name) return config.concurrency;
    if (name === SUBSCRIPTIONS.workerQueries.name) return config.queryConcurrency;
    return 10;
  },
  readinessChecks: ({ app }) => ({
    active_downloads: app.get(RunningJobs).size,
    store: app.get(StoreMonitor).reason ? 'unusable' : 'ok',
    tools: app.get(ToolsMonitor).reason ? 'missing' : 'ok',
  }),
  // a worker whose media store cannot be written, or that lacks yt-dlp/ffmpeg, takes no jobs (they wait for a healthy one)
  notReadyReason: ({ app }) => {
    const store = app.get(StoreMonitor).reason;
    const tools = app.get(ToolsMonitor).reason;
    const reasons = [store ? `media store unusable: ${store}` : '', tools ?? ''].filter(Boolean);
    return reasons.length ? reasons.join('; ') : undefined;
  },
  onTransport: async ({ app, transport }) => {
    const jobs = SUBSCRIPTIONS.downloaderJobs.name;
    const gate = new IntakeGate();
    gate.attach({ pause: () => transport.pause(jobs), resume: () => transport.resume(jobs) });
    await app.get(ToolsMonitor).attach(gate.for('tools'));
    await app.get(StoreMonitor).attach(gate.for('store'));
  },
  drain: async ({ app, config, logger, transport }) => {
    const finished = await transport.stopAndDrain(config.shutdownGraceSec * 1000);
    if (!finished) {
      // stop yt-dlp (its own process group would outlive us) and remove partial files; each job
      // answers 'requeue', and anything still unsettled goes back when the channel closes
      const stopped = app.get(RunningJobs).abortAll();
      logger.warn({ jobs: stopped }, 'grace period over: unfinished jobs go back to the queue');
      await transport.stopAndDrain(5000);
    }
  },
  startingFields: (config) => ({ concurrency: config.concurrency }),
  consumingMessage: 'consuming download jobs',
};
