interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface ConfirmedBatchesOptions {
  /** Most items one flush carries. */
  maxItems: number;
  /** Flushes awaiting their confirm at once; more items wait and go together in the next one. */
  maxInFlight: number;
}

/**
 * Group commit: items added while earlier flushes await their confirm go out together in the next
 * flush, so the number of broker messages (and confirms) adapts to the load without a timer. An
 * item added to an idle batcher is flushed on the next turn of the event loop, with whatever else
 * that turn added. `add` resolves once the flush carrying the item is confirmed, and rejects with
 * that flush's error: the caller acknowledges its own work only then.
 */
export class ConfirmedBatches<T> {
  private waiting: Array<Waiting<T>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly opts: ConfirmedBatchesOptions,
  ) {
    if (opts.maxItems < 1 || opts.maxInFlight < 1) throw new Error('ConfirmedBatches needs maxItems and maxInFlight of at least 1');
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items not yet confirmed (waiting or in a flush under way). */
  get pending(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.opts.maxItems);
      this.inFlight++;
      let flushed: Promise<void>;
      try {
        flushed = this.flush(batch.map((w) => w.item));
      } catch (err) {
        flushed = Promise.reject(err);
      }
      flushed.then(
        () => this.settled(batch, undefined, true),
        (err: unknown) => this.settled(batch, err, false),
      );
    }
  }

  private settled(batch: Array<Waiting<T>>, err: unknown, ok: boolean): void {
    this.inFlight--;
    for (const w of batch) {
      if (ok) w.resolve();
      else w.reject(err);
    }
    // what arrived meanwhile goes out at once, together
    if (this.waiting.length > 0) this.pump();
  }
}
