import { Injectable } from '@nestjs/common';
import type { ListingEntry, ListingResult } from '@mda/contracts';
import { listingSource } from '../batches/listing-source';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { BatchesService } from '../batches/batches.service';
import { CookiesService } from '../cookies/cookies.service';
import { UrlPolicy } from '../submissions/url-policy';
import { WorkerQueryClient } from '../worker-queries/worker-query-client';
import { DownloadArchiveRepository } from './download-archive.repository';
import { PlaylistDownloadDto, PlaylistPreviewQuery } from './dto/playlist.dto';
import { ItemSelectionError, selectEntries } from './item-selection';

/** Longest playlist or channel read in one go (yt-dlp --flat-playlist). */
export const MAX_LISTING_ENTRIES = 1000;

export const entryView = (e: ListingEntry) => ({
  index: e.index,
  id: e.id,
  title: e.title,
  url: e.url,
  duration: e.duration,
  upload_date: e.upload_date,
  view_count: e.view_count,
  uploader: e.uploader,
  thumbnail: e.thumbnail,
});

@Injectable()
export class PlaylistsService {
  constructor(
    private readonly worker: WorkerQueryClient,
    private readonly batches: BatchesService,
    private readonly archive: DownloadArchiveRepository,
    private readonly urls: UrlPolicy,
    private readonly cookies: CookiesService,
  ) {}

  /** The listing from a worker (flat extraction, nothing downloaded), with the caller's cookies when named. */
  async listing(url: string, who: ApiKeyIdentity, cookiesId?: string | null): Promise<ListingResult> {
    await this.urls.assertReachable(url, 'url');
    const sealed = await this.cookies.sealForQuery(cookiesId, who);
    return this.worker.query({ kind: 'listing', url, max_entries: MAX_LISTING_ENTRIES, key_fp: who.fingerprint, ...sealed });
  }

  async preview(q: PlaylistPreviewQuery, who: ApiKeyIdentity) {
    const page = q.page ?? 1;
    const limit = q.limit ?? 20;
    const list = await this.listing(q.url, who, q.cookies_id);
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
    const list = await this.listing(url, who, control.cookies_id);
    let picked: ListingEntry[];
    try {
      picked = selectEntries(list.entries, { items, start, end, reverse });
    } catch (err) {
      if (err instanceof ItemSelectionError) throw new ApiError('validation_error', err.message, [{ field: 'items', message: err.message }]);
      throw err;
    }
    const { entries, skipped } = await this.skipDownloaded(picked, skip_downloaded ?? true, who);
    const chosen = entries.slice(0, max_downloads ?? MAX_LISTING_ENTRIES);
    const sources = chosen.map((e) => listingSource('playlist', list, e));
    const batch = await this.batches.createBatch({ kind: 'playlist', sourceUrl: url, urls: chosen.map((e) => e.url), control, sources }, who);
    return { ...batch, playlist: { url, title: list.title, entries: list.entries.length }, selected: picked.length, skipped_downloaded: skipped };
  }

  /** Drops entries this key has downloaded before (when asked), and duplicates within the list. */
  async skipDownloaded(entries: ListingEntry[], skip: boolean, who: ApiKeyIdentity): Promise<{ entries: ListingEntry[]; skipped: number }> {
    const seen = new Set<string>();
    const unique = entries.filter((e) => !seen.has(e.url) && seen.add(e.url));
    if (!skip) return { entries: unique, skipped: 0 };
    const done = await this.archive.downloaded(
      who.fingerprint,
      unique.map((e) => e.url),
    );
    return { entries: unique.filter((e) => !done.has(e.url)), skipped: unique.filter((e) => done.has(e.url)).length };
  }
}
