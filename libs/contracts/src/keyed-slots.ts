/**
 * Counts work in flight per key (an API key fingerprint, a receiver host) and refuses a key that
 * already holds `perKey` slots. A refusal is an answer, not a wait: the caller decides what a busy
 * key gets (a 429, a deferral).
 */
export class KeyedSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly perKey: number) {
    if (!Number.isInteger(perKey) || perKey < 1) throw new Error(`KeyedSlots needs a whole number of slots per key, got ${perKey}`);
  }

  /** Takes a slot of `key`; returns its release (safe to call twice), or null when the key is at its limit. */
  tryTake(key: string): (() => void) | null {
    const n = this.held.get(key) ?? 0;
    if (n >= this.perKey) return null;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }

  inUse(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Keys holding at least one slot (the map never keeps idle keys). */
  get activeKeys(): number {
    return this.held.size;
  }
}
