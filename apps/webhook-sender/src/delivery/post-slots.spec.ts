import { PostSlots } from './post-slots';

const turn = () => new Promise((r) => setImmediate(r));

describe('PostSlots', () => {
  it('hands out at most size slots; the rest wait and get them in arrival order', async () => {
    const slots = new PostSlots(2);
    const a = await slots.acquire();
    const b = await slots.acquire();
    const order: string[] = [];
    const c = slots.acquire().then((r) => (order.push('c'), r));
    const d = slots.acquire().then((r) => (order.push('d'), r));
    await turn();
    expect(order).toEqual([]);
    expect(slots.inUse).toBe(2);
    a();
    a(); // a second release of the same slot changes nothing
    const releaseC = await c;
    expect(order).toEqual(['c']);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(slots.inUse).toBe(0);
  });

  it('refuses a size that is not a whole number of at least 1', () => {
    expect(() => new PostSlots(0)).toThrow('PostSlots needs a whole number of slots, got 0');
  });
});
