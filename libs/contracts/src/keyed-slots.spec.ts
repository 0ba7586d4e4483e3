import { KeyedSlots } from './keyed-slots';

describe('KeyedSlots', () => {
  it('lets a key hold at most perKey slots, independently of other keys', () => {
    const slots = new KeyedSlots(2);
    const a1 = slots.tryTake('a');
    const a2 = slots.tryTake('a');
    expect(a1).not.toBeNull();
    expect(a2).not.toBeNull();
    expect(slots.tryTake('a')).toBeNull();
    expect(slots.tryTake('b')).not.toBeNull();
    expect(slots.inUse('a')).toBe(2);
    expect(slots.inUse('b')).toBe(1);
  });

  it('frees a slot on release, once, and forgets idle keys', () => {
    const slots = new KeyedSlots(1);
    const release = slots.tryTake('a')!;
    expect(slots.tryTake('a')).toBeNull();
    release();
    release(); // a second call must not free a slot someone else holds
    const again = slots.tryTake('a');
    expect(again).not.toBeNull();
    expect(slots.tryTake('a')).toBeNull();
    again!();
    expect(slots.activeKeys).toBe(0);
  });

  it('refuses a limit that is not a whole positive number', () => {
    expect(() => new KeyedSlots(0)).toThrow(/whole number/);
    expect(() => new KeyedSlots(1.5)).toThrow(/whole number/);
  });
});
