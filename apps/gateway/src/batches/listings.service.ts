import { Injectable } from '@nestjs/common';
import type { ListingEntry, ListingResult } from '@mda/contracts';
import { ApiKeyIdentity } from '../common/api-keys';
import { DownloadArchiveRepository } from '../store/download-archive.repository';
import { CookieAccess } from '../submissions/cookie-access.port';
import { UrlPolicy } from '../submissions/url-policy';
import { WorkerQueryClient } from '../worker-queries/worker-query-client';

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

/** What playlists, channels and subscriptions read before they build a batch: a URL's listing, less what the key has downloaded. */
@Injectable()
export class Listings {
  constructor(
    private readonly worker: WorkerQueryClient,
    private readonly archive: DownloadArchiveRepository,
    private readonly urls: UrlPolicy,
    private readonly cookies: CookieAccess,
  ) {}

  /** The listing from a worker (flat extraction, nothing downloaded), with the caller's cookies when named. */
  async listing(url: string, who: ApiKeyIdentity, cookiesId?: string | null): Promise<ListingResult> {
    await this.urls.assertReachable(url, 'url');
    const sealed = await this.cookies.sealForQuery(cookiesId, who);
    return this.worker.query({ kind: 'listing', url, max_entries: MAX_LISTING_ENTRIES, key_fp: who.fingerprint, ...sealed });
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
