/**
 * At most `size` webhook POSTs in flight in this replica (WEBHOOK_CONCURRENCY), whichever queue
 * their delivery came from; the rest wait their turn in arrival order. A delivery holds a slot only
 * while its request is under way, not while its record waits for the broker.
 */
export class PostSlots {
  private free: number;
  private readonly queue: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`PostSlots needs a whole number of slots, got ${size}`);
    this.free = size;
  }

  /** Resolves with the slot's release (safe to call twice) once a slot is free. */
  acquire(): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => this.queue.push(() => resolve(this.releaser())));
  }

  get inUse(): number {
    return this.size - this.free;
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    };
  }
}
