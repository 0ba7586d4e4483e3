import { Injectable } from '@nestjs/common';
import type { ListingEntry } from '@mda/contracts';
import { listingSource } from '../batches/listing-source';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { BatchesService } from '../batches/batches.service';
import { Listings, MAX_LISTING_ENTRIES, entryView } from '../batches/listings.service';
import { PlaylistDownloadDto, PlaylistPreviewQuery } from './dto/playlist.dto';
import { ItemSelectionError, selectEntries } from './item-selection';

@Injectable()
export class PlaylistsService {
  constructor(
    private readonly listings: Listings,
    private readonly batches: BatchesService,
  ) {}

  async preview(q: PlaylistPreviewQuery, who: ApiKeyIdentity) {
    const page = q.page ?? 1;
    const limit = q.limit ?? 20;
    const list = await this.listings.listing(q.url, who, q.cookies_id);
    return {
      url: q.url,
      title: list.title,
      uploader: list.uploader,
      total: list.entries.length,
      page,
      limit,
      entries: list.entries.slice((page - 1) * limit, page * limit).map(entryView),
    };
  }

  async download(dto: PlaylistDownloadDto, who: ApiKeyIdentity) {
    const { url, items, start, end, reverse: ours, reverse_playlist, skip_downloaded, max_downloads, ...control } = dto;
    const reverse = ours ?? reverse_playlist;
    const list = await this.listings.listing(url, who, control.cookies_id);
    let picked: ListingEntry[];
    try {
      picked = selectEntries(list.entries, { items, start, end, reverse });
    } catch (err) {
      if (err instanceof ItemSelectionError) throw new ApiError('validation_error', err.message, [{ field: 'items', message: err.message }]);
      throw err;
    }
    const { entries, skipped } = await this.listings.skipDownloaded(picked, skip_downloaded ?? true, who);
    const chosen = entries.slice(0, max_downloads ?? MAX_LISTING_ENTRIES);
    const sources = chosen.map((e) => listingSource('playlist', list, e));
    const batch = await this.batches.createBatch({ kind: 'playlist', sourceUrl: url, urls: chosen.map((e) => e.url), control, sources }, who);
    return { ...batch, playlist: { url, title: list.title, entries: list.entries.length }, selected: picked.length, skipped_downloaded: skipped };
  }
}
