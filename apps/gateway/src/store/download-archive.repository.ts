import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Kysely } from 'kysely';
import { DATABASE } from './database.tokens';
import type { Database } from './schema';

/** The archive key of a media URL: its SHA-256 without the fragment (one fixed-size key per video). */
export function archiveKey(url: string): string {
  return createHash('sha256').update(url.replace(/#.*$/, ''), 'utf8').digest('hex');
}

/** What each API key has downloaded, so `skip_downloaded` never fetches a video twice across requests. */
@Injectable()
export class DownloadArchiveRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async record(ownerFp: string, url: string, requestId: string, at: string): Promise<void> {
    await this.db
      .insertInto('download_archive')
      .values({ api_key_fp: ownerFp, archive_key: archiveKey(url), request_id: requestId, recorded_at: at })
      .onConflict((oc) => oc.columns(['api_key_fp', 'archive_key']).doNothing())
      .execute();
  }

  /** The subset of `urls` this key has already downloaded. */
  async downloaded(ownerFp: string, urls: string[]): Promise<Set<string>> {
    if (urls.length === 0) return new Set();
    const keys = new Map(urls.map((u) => [archiveKey(u), u]));
    const found = new Set<string>();
    const all = [...keys.keys()];
    for (let i = 0; i < all.length; i += 500) {
      const rows = await this.db
        .selectFrom('download_archive')
        .select('archive_key')
        .where('api_key_fp', '=', ownerFp)
        .where('archive_key', 'in', all.slice(i, i + 500))
        .execute();
      for (const r of rows) found.add(keys.get(r.archive_key) ?? '');
    }
    return found;
  }
}
