import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  Clock,
  KeyedSlots,
  METRICS,
  SUBSCRIPTIONS,
  SubscriptionEnvelope,
  WORKER_QUERY_BUSY,
  WORKER_QUERY_REPLY_TYPE,
  WorkerQuery,
  WorkerQueryReply,
} from '@mda/contracts';
import { AmqpContext, EventPublisher, HandleMessages, HandlerOutcome, RPC_DEADLINE_HEADER, rpcDeadlinePassed } from '@mda/messaging';
import { Logger, counterOf } from '@mda/observability';
import { WORKER_LOGGER, WORKER_QUERY_SLOTS } from '../tokens';
import { DownloadError } from '../download/ports/media-downloader';
import { JobCookieFile, JobCookieFiles } from '../cookies/ports/job-cookie-files';
import { MediaInspector } from './ports/media-inspector';
import { ToolsMonitor } from '../tools/tools-monitor';

const refused = counterOf(METRICS.workerQueriesRefused);

/** Longest a query may run, whatever deadline the caller sent. */
const MAX_QUERY_MS = 120_000;

/** Answers `metadata.requested` (kinds metadata and listing) on the caller's direct reply-to. */
@Controller()
export class WorkerQueryHandler {
  constructor(
    private readonly inspector: MediaInspector,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
    @Inject(WORKER_QUERY_SLOTS) private readonly slots: KeyedSlots,
    private readonly tools: ToolsMonitor,
    private readonly cookieFiles: JobCookieFiles,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.workerQueries)
  async answer(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.workerQueries>, @Ctx() ctx: AmqpContext): Promise<HandlerOutcome> {
    const { replyTo, correlationId } = ctx.message.properties;
    if (!replyTo) {
      this.logger.warn({ message_id: env.id }, 'query without reply-to: nobody to answer');
      return 'dead';
    }
    const now = this.clock.nowMs();
    if (rpcDeadlinePassed(ctx.message, now)) return 'ack'; // the caller gave up: do not spend a yt-dlp run on it
    const deadline = Number(ctx.message.properties.headers?.[RPC_DEADLINE_HEADER]);
    const budget = Math.min(MAX_QUERY_MS, Number.isFinite(deadline) ? Math.max(1000, deadline - now) : MAX_QUERY_MS);
    const reply = await this.runInShare(env.data, budget);
    // a reply the caller no longer waits for is dropped by the broker; losing it is harmless
    await this.events.reply(WORKER_QUERY_REPLY_TYPE, replyTo, reply, env.correlation_id, { correlationId });
    this.logger.info({ event: 'worker.query', kind: env.data.kind, ok: reply.ok, ms: this.clock.nowMs() - now }, 'query answered');
    return 'ack';
  }

  /** One key never holds more than its share of the slots: its surplus is answered busy now instead of queueing ahead of other keys. */
  private async runInShare(q: WorkerQuery, budgetMs: number): Promise<WorkerQueryReply> {
    // answered from memory: takes no slot
    if (q.kind === 'tools') return { ok: true, kind: 'tools', result: { tools: [...this.tools.versions] } };
    const release = this.slots.tryTake(q.key_fp ?? '');
    if (!release) {
      refused.inc();
      const message = `This API key already has ${this.slots.perKey} metadata or listing queries running on this worker; try again when one has finished`;
      return { ok: false, error: { code: WORKER_QUERY_BUSY, message } };
    }
    try {
      return await this.run(q, budgetMs);
    } finally {
      release();
    }
  }

  private async run(q: WorkerQuery, budgetMs: number): Promise<WorkerQueryReply> {
    let cookies: JobCookieFile | undefined;
    try {
      if (q.kind === 'tools') return { ok: true, kind: 'tools', result: { tools: [...this.tools.versions] } };
      if (q.cookies) {
        // sealed for this query id alone; opened into a 0600 file removed below
        if (!q.query_id) throw new DownloadError('invalid_request', 'Query cookies came without the query id they are sealed for');
        cookies = await this.cookieFiles.write(q.query_id, q.cookies);
      }
      const opts = { cookiesFile: cookies?.path };
      if (q.kind === 'metadata') return { ok: true, kind: 'metadata', result: await this.inspector.metadata(q.url, budgetMs, opts) };
      return { ok: true, kind: 'listing', result: await this.inspector.listing(q.url, q.max_entries, budgetMs, opts) };
    } catch (err) {
      const e = err instanceof DownloadError ? err : new DownloadError('internal_error', (err as Error)?.message ?? String(err));
      return { ok: false, error: { code: e.code, message: e.message } };
    } finally {
      await cookies?.dispose().catch(() => undefined);
    }
  }
}
