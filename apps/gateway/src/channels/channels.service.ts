import { Injectable } from '@nestjs/common';
import type { ListingEntry } from '@mda/contracts';
import { listingSource } from '../batches/listing-source';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { BatchesService } from '../batches/batches.service';
import { Listings, entryView } from '../batches/listings.service';
import { ChannelFilter, filterEntries, sortEntries } from '../batches/channel-filter';
import { ChannelDownloadDto, ChannelInfoQuery } from './dto/channel.dto';

export const DEFAULT_MAX_DOWNLOADS = 100;

function assertBounds(f: ChannelFilter): void {
  if (f.date_after && f.date_before && f.date_after > f.date_before) {
    throw new ApiError('validation_error', 'date_after must not be after date_before', [{ field: 'date_after', message: 'after date_before' }]);
  }
  if (f.min_duration !== undefined && f.max_duration !== undefined && f.min_duration > f.max_duration) {
    throw new ApiError('validation_error', 'min_duration must not exceed max_duration', [{ field: 'min_duration', message: 'exceeds max_duration' }]);
  }
  if (f.min_views !== undefined && f.max_views !== undefined && f.min_views > f.max_views) {
    throw new ApiError('validation_error', 'min_views must not exceed max_views', [{ field: 'min_views', message: 'exceeds max_views' }]);
  }
}

@Injectable()
export class ChannelsService {
  constructor(
    private readonly listings: Listings,
    private readonly batches: BatchesService,
  ) {}

  private async videos(
    url: string,
    f: ChannelFilter,
    who: ApiKeyIdentity,
    cookiesId?: string | null,
  ): Promise<{ title: string | null; uploader: string | null; entries: ListingEntry[] }> {
    assertBounds(f);
    const list = await this.listings.listing(url, who, cookiesId);
    return { title: list.title, uploader: list.uploader, entries: sortEntries(filterEntries(list.entries, f), f.sort_by) };
  }

  async info(q: ChannelInfoQuery, who: ApiKeyIdentity) {
    const page = q.page ?? 1;
    const pageSize = q.page_size ?? 20;
    const { title, uploader, entries } = await this.videos(q.url, q, who, q.cookies_id);
    return {
      url: q.url,
      title,
      uploader,
      total: entries.length,
      page,
      page_size: pageSize,
      videos: entries.slice((page - 1) * pageSize, page * pageSize).map(entryView),
    };
  }

  async download(dto: ChannelDownloadDto, who: ApiKeyIdentity) {
    const { url, date_after, date_before, min_duration, max_duration, min_views, max_views, sort_by, max_downloads, skip_downloaded, ...control } = dto;
    const { title, uploader, entries } = await this.videos(
      url,
      { date_after, date_before, min_duration, max_duration, min_views, max_views, sort_by },
      who,
      control.cookies_id,
    );
    const { entries: todo, skipped } = await this.listings.skipDownloaded(entries, skip_downloaded ?? true, who);
    const chosen = todo.slice(0, max_downloads ?? DEFAULT_MAX_DOWNLOADS);
    const listing = { title, uploader, entries };
    const sources = chosen.map((e) => listingSource('channel', listing, e));
    const batch = await this.batches.createBatch({ kind: 'channel', sourceUrl: url, urls: chosen.map((e) => e.url), control, sources }, who);
    return { ...batch, channel: { url, title }, matched: entries.length, skipped_downloaded: skipped };
  }
}
