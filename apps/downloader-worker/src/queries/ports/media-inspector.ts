import type { ListingResult, MetadataResult } from '@mda/contracts';

/** Reads what a URL offers without downloading it. Throws DownloadError with a stable code. */
export abstract class MediaInspector {
  abstract metadata(url: string, timeoutMs: number): Promise<MetadataResult>;
  abstract listing(url: string, maxEntries: number, timeoutMs: number): Promise<ListingResult>;
}
