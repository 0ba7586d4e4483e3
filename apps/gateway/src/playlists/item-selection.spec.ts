import type { ListingEntry } from '@mda/contracts';
import { ItemSelectionError, parseItems, selectEntries } from './item-selection';

const entries: ListingEntry[] = Array.from({ length: 20 }, (_, i) => ({
  index: i + 1,
  id: `v${i + 1}`,
  title: `Video ${i + 1}`,
  url: `http://127.0.0.1/v${i + 1}.mp4`,
  duration: null,
  upload_date: null,
  view_count: null,
  uploader: null,
  thumbnail: null,
}));
const idx = (e: ListingEntry[]) => e.map((x) => x.index);

describe('playlist item selection', () => {
  it('parses ranges and single positions', () => {
    expect([...parseItems('1-3,15, 7')]).toEqual([1, 2, 3, 15, 7]);
  });

  it.each(['', 'a', '0', '3-1', '1,,2', '-2', '1-2-3'])('rejects %p', (spec) => {
    expect(() => parseItems(spec)).toThrow(ItemSelectionError);
  });

  it('combines items, start, end and reverse, keeping playlist order', () => {
    expect(idx(selectEntries(entries, { items: '15,1-3' }))).toEqual([1, 2, 3, 15]);
    expect(idx(selectEntries(entries, { start: 18 }))).toEqual([18, 19, 20]);
    expect(idx(selectEntries(entries, { start: 2, end: 4, reverse: true }))).toEqual([4, 3, 2]);
    expect(idx(selectEntries(entries, { items: '1-10', start: 9 }))).toEqual([9, 10]);
    expect(idx(selectEntries(entries, { items: '50' }))).toEqual([]);
    expect(() => selectEntries(entries, { start: 5, end: 2 })).toThrow(/end must not be before start/);
  });
});
