import type { FileLinks } from '@mda/file-links';
import type { Clock } from '@mda/contracts';
import { type Logger, errorFields } from '@mda/observability';
import type { Job } from '../store/jobs.repository';
import { JobView, jobView } from '../jobs/job-view';
import type { JobEventsRepository, StoredJobEvent } from '../store/job-events.repository';
import type { WebhookSummary } from '../store/webhook-summary';
import type { JobChangeAnnouncer } from './ports/job-change-announcer';

/** One server-sent event: `id` is the job store's event id, the same on every replica. */
export interface StreamEvent {
  id: string;
  seq: number;
  event: 'job';
  data: JobView;
}

export type Replay = { kind: 'fresh' } | { kind: 'resumed'; events: StreamEvent[] } | { kind: 'gap' };

export interface JobEventsBusOptions {
  /** The most events one `Last-Event-ID` resumption sends; a client that missed more resyncs. */
  replayLimit: number;
  /** Rows read per query while catching up. */
  pageSize: number;
}

export const DEFAULT_JOB_EVENTS_BUS_OPTIONS: JobEventsBusOptions = { replayLimit: 1000, pageSize: 500 };

/** An open stream's subscription: the replay decided, live events held back until `start()`. */
export interface StreamSubscription {
  replay: Replay['kind'];
  /** Sends the replayed events, then the live ones that came meanwhile (each once), then live ones as they come. */
  start(): void;
  unsubscribe(): void;
}

/**
 * Job changes for the open event streams of this replica, whichever replica's store consumer
 * applied them. The consumer that applies an event records the job's view in `job_events` and
 * announces its id; every replica then reads the rows after its cursor, in id order, and hands
 * each to the streams of its owner. `Last-Event-ID` resumes from the same table on any replica.
 */
export class JobEventsBus {
  /** The newest id handed to streams (undefined until the first catch-up or announcement). */
  private cursor?: number;
  private tail?: Promise<void>;
  private again = false;
  private readonly listeners = new Map<string, Set<(e: StreamEvent) => void>>();

  constructor(
    private readonly repo: JobEventsRepository,
    private readonly announcer: JobChangeAnnouncer,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: JobEventsBusOptions = DEFAULT_JOB_EVENTS_BUS_OPTIONS,
  ) {}

  /** Called by the store consumer once the store has the job's new state. */
  async publishJob(job: Job, links: FileLinks, webhooks?: WebhookSummary): Promise<StreamEvent> {
    return this.publish(job.api_key_fp, await jobView(job, links, webhooks));
  }

  async publish(ownerFp: string, view: JobView): Promise<StreamEvent> {
    const id = await this.repo.append(ownerFp, view.request_id, view, this.clock.now());
    try {
      await this.announcer.announce({ event_id: id, request_id: view.request_id });
    } catch (err) {
      // recorded: the other replicas' periodic catch-up finds it a little later
      this.logger.warn({ request_id: view.request_id, event_id: id, err: errorFields(err).message }, 'job change not announced');
    }
    await this.changed(id);
    return { id: String(id), seq: id, event: 'job', data: view };
  }

  /**
   * A change with this id was recorded (announced by some replica). Ids become visible in order,
   * so with no stream open there is nothing to read: every later change has a larger id.
   */
  async changed(id: number): Promise<void> {
    if (this.listeners.size === 0 && !this.tail) {
      this.cursor = Math.max(this.cursor ?? 0, id);
      return;
    }
    await this.catchUp();
  }

  /** Reads the rows after the cursor and hands them to their owners' streams; concurrent calls share one run. */
  catchUp(): Promise<void> {
    if (this.tail) {
      this.again = true;
      return this.tail;
    }
    this.tail = (async () => {
      try {
        do {
          this.again = false;
          await this.readNew();
        } while (this.again);
      } finally {
        this.tail = undefined;
      }
    })();
    return this.tail;
  }

  private async readNew(): Promise<void> {
    if (this.cursor === undefined) {
      this.cursor = (await this.repo.bounds())?.newest ?? 0;
      return;
    }
    for (;;) {
      const rows = await this.repo.after(this.cursor, this.opts.pageSize);
      for (const row of rows) {
        this.cursor = row.id;
        const e = toStreamEvent(row);
        for (const listener of this.listeners.get(row.api_key_fp) ?? []) listener(e);
      }
      if (rows.length < this.opts.pageSize) return;
    }
  }

  /**
   * Opens a stream's subscription: live events from now on, and with `lastEventId` the owner's
   * events after it from the store. Each event reaches the listener once, in id order.
   */
  async subscribe(ownerFp: string, lastEventId: string | undefined, listener: (e: StreamEvent) => void): Promise<StreamSubscription> {
    // the cursor must exist before the listener does: every change recorded from here on is after it
    if (this.cursor === undefined) await this.catchUp();
    let started = false;
    let sentThrough = 0;
    const held: StreamEvent[] = [];
    const deliver = (e: StreamEvent) => {
      if (e.seq <= sentThrough) return;
      sentThrough = e.seq;
      listener(e);
    };
    const entry = (e: StreamEvent) => (started ? deliver(e) : held.push(e));
    const set = this.listeners.get(ownerFp) ?? new Set();
    set.add(entry);
    this.listeners.set(ownerFp, set);
    const unsubscribe = () => {
      set.delete(entry);
      if (set.size === 0 && this.listeners.get(ownerFp) === set) this.listeners.delete(ownerFp);
    };
    let replay: Replay;
    try {
      replay = await this.replaySince(ownerFp, lastEventId);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return {
      replay: replay.kind,
      start: () => {
        if (started) return;
        if (replay.kind === 'resumed') {
          sentThrough = Number(lastEventId);
          replay.events.forEach(deliver);
        }
        started = true;
        held.splice(0).forEach(deliver);
      },
      unsubscribe,
    };
  }

  /** What a client that last saw `lastEventId` missed, or `gap` when the store cannot tell (pruned, foreign, garbage). */
  async replaySince(ownerFp: string, lastEventId: string | undefined): Promise<Replay> {
    if (lastEventId === undefined || lastEventId.trim() === '') return { kind: 'fresh' };
    if (!/^\d{1,15}$/.test(lastEventId.trim())) return { kind: 'gap' };
    const last = Number(lastEventId.trim());
    const kept = await this.repo.bounds();
    // newer than anything recorded: an id of another store (or of the old per-replica format)
    if (!kept || last > kept.newest || last < 1) return { kind: 'gap' };
    // what came right after `last` was pruned
    if (last < kept.oldest - 1) return { kind: 'gap' };
    const rows = await this.repo.ownerAfter(ownerFp, last, this.opts.replayLimit + 1);
    if (rows.length > this.opts.replayLimit) return { kind: 'gap' };
    return { kind: 'resumed', events: rows.map(toStreamEvent) };
  }

  listenerCount(ownerFp?: string): number {
    if (ownerFp) return this.listeners.get(ownerFp)?.size ?? 0;
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}

function toStreamEvent(row: StoredJobEvent): StreamEvent {
  if (!isJobView(row.view)) throw new Error(`job event ${row.id} holds no job view`);
  return { id: String(row.id), seq: row.id, event: 'job', data: row.view };
}

/** The store keeps what `publish` recorded: a job view, named by its request id. */
function isJobView(view: unknown): view is JobView {
  return typeof view === 'object' && view !== null && 'request_id' in view && typeof view.request_id === 'string';
}
