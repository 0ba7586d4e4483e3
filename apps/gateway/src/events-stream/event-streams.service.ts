import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobEventsBus, StreamSubscription } from './job-events.bus';
import { sseEvent, sseHeartbeat, sseJob } from './sse.util';

export interface EventStreamsOptions {
  heartbeatMs: number;
  /** Open streams allowed per API key on this replica (each holds a socket). */
  maxPerKey: number;
  /** Client reconnect delay announced with `retry:`. */
  retryMs: number;
  /** While streams are open, how often the store is read even without an announcement (one lost with a dying replica). */
  catchUpMs: number;
}
export const EVENT_STREAMS_OPTIONS = Symbol('EVENT_STREAMS_OPTIONS');
export const DEFAULT_EVENT_STREAMS_OPTIONS: EventStreamsOptions = { heartbeatMs: 15_000, maxPerKey: 20, retryMs: 2_000, catchUpMs: 2_000 };

/** The open `GET /api/v1/events` streams of this replica: opens, feeds, heartbeats and closes them. */
@Injectable()
export class EventStreams implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  private readonly perKey = new Map<string, number>();
  private catchUpTimer?: NodeJS.Timeout;

  constructor(
    private readonly bus: JobEventsBus,
    @Inject(EVENT_STREAMS_OPTIONS) private readonly opts: EventStreamsOptions,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.catchUpTimer = setInterval(() => {
      if (this.bus.listenerCount() === 0) return;
      this.bus.catchUp().catch((err: Error) => this.logger.warn({ err: err.message }, 'event streams could not read the job store; the next catch-up retries'));
    }, this.opts.catchUpMs);
    this.catchUpTimer.unref();
  }

  /** Checks the per-key limit before the response is taken over (so the error can still be JSON). */
  assertCanOpen(ownerFp: string): void {
    if ((this.perKey.get(ownerFp) ?? 0) >= this.opts.maxPerKey) {
      throw new ApiError('rate_limited', `Too many open event streams for this API key (at most ${this.opts.maxPerKey})`, undefined, {
        'Retry-After': String(Math.ceil(this.opts.retryMs / 1000)),
      });
    }
  }

  /**
   * Streams the owner's job events until the client goes away or the app shuts down. The replay
   * is read before `takeOver` is called, so a store that cannot answer is still a JSON error.
   */
  async attach(ownerFp: string, lastEventId: string | undefined, takeOver: () => ServerResponse): Promise<void> {
    this.assertCanOpen(ownerFp);
    this.perKey.set(ownerFp, (this.perKey.get(ownerFp) ?? 0) + 1);
    const release = () => {
      const left = (this.perKey.get(ownerFp) ?? 1) - 1;
      if (left > 0) this.perKey.set(ownerFp, left);
      else this.perKey.delete(ownerFp);
    };
    let write: (chunk: string) => void = () => undefined;
    let sub: StreamSubscription;
    try {
      sub = await this.bus.subscribe(ownerFp, lastEventId, (e) => write(sseJob(e)));
    } catch (err) {
      // the store did not answer: nothing was sent yet, so the error filter still answers in JSON
      release();
      throw err;
    }
    const res = takeOver();
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    write = (chunk: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    };
    write(`retry: ${this.opts.retryMs}\n\n`);
    if (sub.replay === 'gap') {
      write(sseEvent({ event: 'resync', data: { reason: 'The events since your last one are no longer kept; reload the list.' } }));
    } else {
      write(sseEvent({ event: 'hello', data: { resumed: sub.replay === 'resumed' } }));
    }
    sub.start();
    const heartbeat = setInterval(() => write(sseHeartbeat()), this.opts.heartbeatMs);
    heartbeat.unref();

    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      sub.unsubscribe();
      this.open.delete(close);
      release();
      if (!res.writableEnded) res.end();
    };
    this.open.add(close);
    res.on('close', close);
    res.on('error', close);
    // the client may have gone while the replay was read
    if (res.destroyed || res.socket?.destroyed) close();
    this.logger.debug({ streams: this.open.size, resumed: sub.replay }, 'event stream opened');
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Open streams would keep the HTTP server from closing: end them before it does. */
  beforeApplicationShutdown(): void {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    for (const close of [...this.open]) close();
  }
}
