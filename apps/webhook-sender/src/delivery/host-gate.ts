import { Clock, DEFERRAL_REASONS, KeyedSlots } from '@mda/contracts';

/** Why a delivery was sent away instead of attempted. */
export type DeferralReason = (typeof DEFERRAL_REASONS)[number];

export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: DeferralReason };

interface Deferred {
  eventId: string;
  /** When it was last sent away (ms). */
  at: number;
}

/**
 * Bounds the deliveries one receiver host holds in this sender: every delivery held here, posting
 * or waiting in its job's lane, keeps an intake slot (prefetch) busy, so a host that hangs could
 * otherwise take all of them and delay every other receiver. A delivery over its host's cap is not
 * held: the caller parks it in the broker (the 1 s tier) and it comes back later.
 *
 * Parking must not reorder a job's events: once one of a job's events is parked, the job's later
 * events are parked behind it, and they are let in in the order they were parked. This replica
 * only knows what it parked itself; a parked event taken by another replica is forgotten after
 * `forgetAfterMs`, so the job's later events here are not held back for ever.
 */
export class HostGate {
  private readonly slots: KeyedSlots;
  /** Per job: the events parked here and not yet let in, oldest first. */
  private readonly parked = new Map<string, Deferred[]>();
  private lastSweepMs = 0;

  constructor(
    perHost: number,
    private readonly clock: Clock,
    private readonly forgetAfterMs = 15_000,
  ) {
    this.slots = new KeyedSlots(perHost);
  }

  get perHost(): number {
    return this.slots.perKey;
  }

  /** Lets a delivery in (release its host slot once it is settled), or says why it must be parked. */
  enter(host: string, job: string | null, eventId: string): Admission {
    const now = this.clock.nowMs();
    this.sweep(now);
    const line = job === null ? undefined : this.lineOf(job, now);
    if (job !== null && line && line[0].eventId !== eventId) {
      this.park(job, line, eventId, now);
      return { admitted: false, reason: 'job_order' };
    }
    const release = this.slots.tryTake(host);
    if (!release) {
      if (job !== null) this.park(job, line ?? [], eventId, now);
      return { admitted: false, reason: 'host_busy' };
    }
    if (job !== null && line) {
      line.shift();
      if (line.length === 0) this.parked.delete(job);
    }
    return { admitted: true, release };
  }

  inUse(host: string): number {
    return this.slots.inUse(host);
  }

  /** Jobs with events parked by this replica. */
  get parkedJobs(): number {
    return this.parked.size;
  }

  private park(job: string, line: Deferred[], eventId: string, now: number): void {
    const known = line.find((d) => d.eventId === eventId);
    if (known) known.at = now;
    else line.push({ eventId, at: now });
    this.parked.set(job, line);
  }

  /** Forgets, now and then, jobs whose parked events all went to another replica and which sent nothing here since. */
  private sweep(now: number): void {
    if (now - this.lastSweepMs < this.forgetAfterMs) return;
    this.lastSweepMs = now;
    for (const job of [...this.parked.keys()]) this.lineOf(job, now);
  }

  /** The job's parked events, without those gone for longer than forgetAfterMs (taken by another replica). */
  private lineOf(job: string, now: number): Deferred[] | undefined {
    const line = this.parked.get(job);
    if (!line) return undefined;
    while (line.length > 0 && now - line[0].at > this.forgetAfterMs) line.shift();
    if (line.length > 0) return line;
    this.parked.delete(job);
    return undefined;
  }
}

/** The receiver host a delivery's URL names (its hostname, lower case): the unit of the per-host cap. */
export function receiverHost(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}
