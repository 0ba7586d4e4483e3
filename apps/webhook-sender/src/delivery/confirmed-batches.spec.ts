import { ConfirmedBatches } from './confirmed-batches';

/** A broker whose confirms the test hands out. */
function heldFlush() {
  const flushes: Array<{ items: number[]; confirm: () => void; fail: (e: Error) => void }> = [];
  const flush = (items: number[]) =>
    new Promise<void>((confirm, fail) => {
      flushes.push({ items, confirm, fail });
    });
  return { flushes, flush };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('ConfirmedBatches', () => {
  it('sends what one turn added as one flush, and what arrives while it awaits its confirm as the next', async () => {
    const { flushes, flush } = heldFlush();
    const batches = new ConfirmedBatches(flush, { maxItems: 100, maxInFlight: 1 });
    const first = [1, 2, 3].map((n) => batches.add(n));
    await turn();
    expect(flushes.map((f) => f.items)).toEqual([[1, 2, 3]]);
    const second = [4, 5].map((n) => batches.add(n));
    await turn();
    expect(flushes).toHaveLength(1); // one in flight at most
    flushes[0].confirm();
    await Promise.all(first);
    expect(flushes.map((f) => f.items)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    let done = false;
    void Promise.all(second).then(() => (done = true));
    await turn();
    expect(done).toBe(false); // resolved only by its own flush's confirm
    flushes[1].confirm();
    await Promise.all(second);
    expect(batches.pending).toBe(0);
  });

  it('caps a flush at maxItems and runs up to maxInFlight flushes at once', async () => {
    const { flushes, flush } = heldFlush();
    const batches = new ConfirmedBatches(flush, { maxItems: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => batches.add(n));
    await turn();
    expect(flushes.map((f) => f.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    flushes[1].confirm();
    await all[3];
    expect(flushes.map((f) => f.items)).toEqual([[1, 2], [3, 4], [5]]);
    flushes[0].confirm();
    flushes[2].confirm();
    await Promise.all(all);
  });

  it('rejects every item of a failed flush with its error; later items are not affected', async () => {
    const { flushes, flush } = heldFlush();
    const batches = new ConfirmedBatches(flush, { maxItems: 10, maxInFlight: 1 });
    const failed = [batches.add(1), batches.add(2)];
    await turn();
    const later = batches.add(3);
    flushes[0].fail(new Error('nacked'));
    await expect(failed[0]).rejects.toThrow('nacked');
    await expect(failed[1]).rejects.toThrow('nacked');
    await turn();
    flushes[1].confirm();
    await expect(later).resolves.toBeUndefined();
    expect(flushes.map((f) => f.items)).toEqual([[1, 2], [3]]);
  });

  it('a flush that throws synchronously rejects its items instead of losing them', async () => {
    const batches = new ConfirmedBatches<number>(
      () => {
        throw new Error('channel closed');
      },
      { maxItems: 10, maxInFlight: 1 },
    );
    await expect(batches.add(1)).rejects.toThrow('channel closed');
  });
});
