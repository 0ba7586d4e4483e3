import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobEventsBus } from './job-events.bus';
import { sseEvent, sseHeartbeat, sseJob } from './sse.util';

export interface EventStreamsOptions {
  heartbeatMs: number;
  /** Open streams allowed per API key on this replica (each holds a socket). */
  maxPerKey: number;
  /** Client reconnect delay announced with `retry:`. */
  retryMs: number;
}
export const EVENT_STREAMS_OPTIONS = Symbol('EVENT_STREAMS_OPTIONS');
export const DEFAULT_EVENT_STREAMS_OPTIONS: EventStreamsOptions = { heartbeatMs: 15_000, maxPerKey: 20, retryMs: 2_000 };

/** The open `GET /api/v1/events` streams of this replica: opens, feeds, heartbeats and closes them. */
@Injectable()
export class EventStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  private readonly perKey = new Map<string, number>();

  constructor(
    private readonly bus: JobEventsBus,
    @Inject(EVENT_STREAMS_OPTIONS) private readonly opts: EventStreamsOptions,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  /** Checks the per-key limit before the response is taken over (so the error can still be JSON). */
  assertCanOpen(ownerFp: string): void {
    if ((this.perKey.get(ownerFp) ?? 0) >= this.opts.maxPerKey) {
      throw new ApiError('rate_limited', `Too many open event streams for this API key (at most ${this.opts.maxPerKey})`, undefined, {
        'Retry-After': String(Math.ceil(this.opts.retryMs / 1000)),
      });
    }
  }

  /** Streams the owner's job events on `res` until the client goes away or the app shuts down. */
  attach(ownerFp: string, res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const write = (chunk: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    };
    // subscribe and replay in one synchronous step: no event can fall between the two
    const unsubscribe = this.bus.subscribe(ownerFp, (e) => write(sseJob(e)));
    const replay = this.bus.replaySince(ownerFp, lastEventId);
    write(`retry: ${this.opts.retryMs}\n\n`);
    if (replay.kind === 'gap') {
      write(sseEvent({ event: 'resync', data: { reason: 'The events since your last one are not available here; reload the list.' } }));
    } else {
      write(sseEvent({ event: 'hello', data: { resumed: replay.kind === 'resumed' } }));
      if (replay.kind === 'resumed') for (const e of replay.events) write(sseJob(e));
    }
    const heartbeat = setInterval(() => write(sseHeartbeat()), this.opts.heartbeatMs);
    heartbeat.unref();
    this.perKey.set(ownerFp, (this.perKey.get(ownerFp) ?? 0) + 1);

    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(close);
      const left = (this.perKey.get(ownerFp) ?? 1) - 1;
      if (left > 0) this.perKey.set(ownerFp, left);
      else this.perKey.delete(ownerFp);
      if (!res.writableEnded) res.end();
    };
    this.open.add(close);
    res.on('close', close);
    res.on('error', close);
    this.logger.debug({ streams: this.open.size, resumed: replay.kind }, 'event stream opened');
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Open streams would keep the HTTP server from closing: end them before it does. */
  beforeApplicationShutdown(): void {
    for (const close of [...this.open]) close();
  }
}
