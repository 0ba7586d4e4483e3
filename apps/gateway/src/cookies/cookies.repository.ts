import { Inject, Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { DATABASE } from '../store/database.tokens';
import type { CookiesTable, Database } from '../store/schema';

export interface CookieRecord {
  id: string;
  api_key_fp: string;
  name: string;
  cookie_count: number;
  domains: string[];
  created_at: string;
}

const toRecord = (r: Omit<CookiesTable, 'sealed'>): CookieRecord => ({
  ...r,
  cookie_count: Number(r.cookie_count),
  domains: JSON.parse(r.domains) as string[],
});
const META = ['id', 'api_key_fp', 'name', 'cookie_count', 'domains', 'created_at'] as const;

/** Cookie records; the sealed contents are read only by `sealedFor`, never listed. */
@Injectable()
export class CookiesRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async insert(rec: CookieRecord, sealed: string): Promise<void> {
    await this.db
      .insertInto('cookies')
      .values({ ...rec, domains: JSON.stringify(rec.domains), sealed })
      .execute();
  }

  async list(ownerFp: string): Promise<CookieRecord[]> {
    const rows = await this.db
      .selectFrom('cookies')
      .select(META)
      .where('api_key_fp', '=', ownerFp)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toRecord);
  }

  async find(id: string, ownerFp: string): Promise<CookieRecord | undefined> {
    const row = await this.db.selectFrom('cookies').select(META).where('id', '=', id).where('api_key_fp', '=', ownerFp).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async sealedFor(id: string, ownerFp: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('cookies').select('sealed').where('id', '=', id).where('api_key_fp', '=', ownerFp).executeTakeFirst();
    return row?.sealed;
  }

  async remove(id: string, ownerFp: string): Promise<boolean> {
    const r = await this.db.deleteFrom('cookies').where('id', '=', id).where('api_key_fp', '=', ownerFp).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
