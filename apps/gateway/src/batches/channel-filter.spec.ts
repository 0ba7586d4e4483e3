import type { ListingEntry } from '@mda/contracts';
import { filterEntries, sortEntries } from './channel-filter';

const e = (index: number, title: string, upload_date: string | null, duration: number | null, view_count: number | null = null): ListingEntry => ({
  index,
  id: `v${index}`,
  title,
  url: `http://127.0.0.1/v${index}.mp4`,
  duration,
  upload_date,
  view_count,
  uploader: null,
  thumbnail: null,
});
const list = [e(1, 'Charlie', '20240105', 30, 5), e(2, 'alpha', '20240110', 120, 50), e(3, 'Bravo', '20240101', 60, null), e(4, 'Delta', null, null, 7)];
const titles = (x: ListingEntry[]) => x.map((i) => i.title);

describe('channel filters', () => {
  it('keeps entries inside the date bounds, both ends included, and drops undated ones', () => {
    expect(titles(filterEntries(list, { date_after: '20240105' }))).toEqual(['Charlie', 'alpha']);
    expect(titles(filterEntries(list, { date_before: '20240105' }))).toEqual(['Charlie', 'Bravo']);
    expect(titles(filterEntries(list, { date_after: '20240102', date_before: '20240109' }))).toEqual(['Charlie']);
  });

  it('keeps entries inside the view bounds (min_views/max_views), dropping ones without a count', () => {
    expect(titles(filterEntries(list, { min_views: 7 }))).toEqual(['alpha', 'Delta']);
    expect(titles(filterEntries(list, { max_views: 7 }))).toEqual(['Charlie', 'Delta']);
    expect(titles(filterEntries(list, { min_views: 6, max_views: 50 }))).toEqual(['alpha', 'Delta']);
  });

  it('keeps entries inside the duration bounds', () => {
    expect(titles(filterEntries(list, { min_duration: 60 }))).toEqual(['alpha', 'Bravo']);
    expect(titles(filterEntries(list, { max_duration: 60 }))).toEqual(['Charlie', 'Bravo']);
    expect(titles(filterEntries(list, {}))).toHaveLength(4);
  });

  it('sorts newest, most viewed, longest first and titles A to Z, unknowns last', () => {
    expect(titles(sortEntries(list, 'upload_date'))).toEqual(['alpha', 'Charlie', 'Bravo', 'Delta']);
    expect(titles(sortEntries(list, 'view_count'))).toEqual(['alpha', 'Delta', 'Charlie', 'Bravo']);
    expect(titles(sortEntries(list, 'duration'))).toEqual(['alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(titles(sortEntries(list, 'title'))).toEqual(['alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(titles(sortEntries(list, undefined))).toEqual(['Charlie', 'alpha', 'Bravo', 'Delta']);
  });
});
