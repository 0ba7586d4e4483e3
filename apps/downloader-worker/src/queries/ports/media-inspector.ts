import type { ListingResult, MetadataResult } from '@mda/contracts';

/** What a query may bring along: the caller's cookies, opened into a private file for this query. */
export interface InspectOptions {
  cookiesFile?: string;
}

/** Reads what a URL offers without downloading it. Throws DownloadError with a stable code. */
export abstract class MediaInspector {
  abstract metadata(url: string, timeoutMs: number, opts?: InspectOptions): Promise<MetadataResult>;
  abstract listing(url: string, maxEntries: number, timeoutMs: number, opts?: InspectOptions): Promise<ListingResult>;
}
