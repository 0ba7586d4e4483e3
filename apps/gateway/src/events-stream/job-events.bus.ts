import { randomBytes } from 'node:crypto';
import type { FileLinks } from '@mda/file-links';
import type { Job } from '../store/jobs.repository';
import { JobView, jobView } from '../jobs/job-view';
import type { WebhookSummary } from '../webhooks/webhook-summary';

/** One server-sent event: `id` is `<epoch>-<seq>`, unique on this replica for its lifetime. */
export interface StreamEvent {
  id: string;
  seq: number;
  event: 'job';
  data: JobView;
}

export type Replay = { kind: 'fresh' } | { kind: 'resumed'; events: StreamEvent[] } | { kind: 'gap' };

export interface JobEventsBusOptions {
  /** Events kept per API key for `Last-Event-ID` resumption (oldest dropped first). */
  replayLimit: number;
}

interface OwnerLog {
  events: StreamEvent[];
  /** The seq of the newest event dropped from this owner's buffer (0: none yet). */
  droppedThrough: number;
}

/**
 * The gateway's in-process fan-out of job changes to open event streams, scoped by the API key
 * fingerprint that owns each job. It keeps a bounded replay buffer per key in this replica's
 * memory only: a client that reconnects to another replica, after a restart, or after more than
 * `replayLimit` of its events went by is told to resync (refetch through the REST API).
 */
export class JobEventsBus {
  /** Changes with every process start, so ids from an earlier life are never mistaken for ours. */
  readonly epoch = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly logs = new Map<string, OwnerLog>();
  private readonly listeners = new Map<string, Set<(e: StreamEvent) => void>>();

  constructor(private readonly opts: JobEventsBusOptions = { replayLimit: 1000 }) {}

  async publishJob(job: Job, links: FileLinks, webhooks?: WebhookSummary): Promise<StreamEvent> {
    return this.publish(job.api_key_fp, await jobView(job, links, webhooks));
  }

  publish(ownerFp: string, view: JobView): StreamEvent {
    const seq = ++this.seq;
    const event: StreamEvent = { id: `${this.epoch}-${seq}`, seq, event: 'job', data: view };
    const log = this.logs.get(ownerFp) ?? { events: [], droppedThrough: 0 };
    log.events.push(event);
    while (log.events.length > this.opts.replayLimit) {
      const dropped = log.events.shift();
      if (dropped) log.droppedThrough = dropped.seq;
    }
    this.logs.set(ownerFp, log);
    for (const listener of this.listeners.get(ownerFp) ?? []) listener(event);
    return event;
  }

  /** Calls `listener` with every later event of this owner; returns the unsubscribe function. */
  subscribe(ownerFp: string, listener: (e: StreamEvent) => void): () => void {
    const set = this.listeners.get(ownerFp) ?? new Set();
    set.add(listener);
    this.listeners.set(ownerFp, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(ownerFp);
    };
  }

  /** What a client that last saw `lastEventId` missed, or `gap` when this replica cannot tell. */
  replaySince(ownerFp: string, lastEventId: string | undefined): Replay {
    if (!lastEventId) return { kind: 'fresh' };
    const m = /^([0-9a-f]+)-(\d+)$/.exec(lastEventId.trim());
    if (!m || m[1] !== this.epoch) return { kind: 'gap' };
    const last = Number(m[2]);
    if (last > this.seq) return { kind: 'gap' };
    const log = this.logs.get(ownerFp);
    if (!log) return { kind: 'resumed', events: [] };
    if (last < log.droppedThrough) return { kind: 'gap' };
    return { kind: 'resumed', events: log.events.filter((e) => e.seq > last) };
  }

  listenerCount(ownerFp?: string): number {
    if (ownerFp) return this.listeners.get(ownerFp)?.size ?? 0;
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
