import { describe, expect, it } from 'vitest';
import type { ListingEntry } from '../api/types';
import { firstCheckPicks } from './SubscriptionForm';

const entry = (index: number, title: string, duration: number | null = 60): ListingEntry => ({
  index,
  id: null,
  title,
  url: `http://127.0.0.1/${index}`,
  duration,
  upload_date: null,
  view_count: null,
  uploader: null,
  thumbnail: null,
});

describe('firstCheckPicks', () => {
  const listing = [entry(1, 'Episode 3'), entry(2, 'Trailer', 30), entry(3, 'Episode 2', 600), entry(4, 'Episode 1')];

  it('picks nothing without backfill, everything with all, the first N passing the filters with a count', () => {
    expect([...firstCheckPicks(listing, {}, 'none')]).toEqual([]);
    expect([...firstCheckPicks(listing, {}, 'all')]).toEqual([1, 2, 3, 4]);
    expect([...firstCheckPicks(listing, { title_exclude: 'trailer' }, 2)]).toEqual([1, 3]);
    expect([...firstCheckPicks(listing, { title_match: 'EPISODE', max_duration: 120 }, 'all')]).toEqual([1, 4]);
    expect([...firstCheckPicks(listing, { min_duration: 31 }, 10)]).toEqual([1, 3, 4]);
  });
});
