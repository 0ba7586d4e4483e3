import { Inject, Injectable } from '@nestjs/common';
import { Clock, randomToken } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { GATEWAY_LOGGER } from '../common/tokens';
import { CookieAccess } from '../submissions/cookie-access.port';
import { CookieVault } from './cookie-vault';
import { CookieRecord, CookiesRepository } from './cookies.repository';
import { CreateCookiesDto } from './dto/create-cookies.dto';
import { NetscapeCookiesError, parseNetscapeCookies } from './netscape-cookies';

export const COOKIE_ID_PATTERN = /^ck_[a-z0-9]{12,}$/;

const view = (r: CookieRecord) => ({ id: r.id, name: r.name, cookie_count: r.cookie_count, domains: r.domains, created_at: r.created_at });

@Injectable()
export class CookiesService implements CookieAccess {
  constructor(
    private readonly repo: CookiesRepository,
    private readonly vault: CookieVault,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  async create(dto: CreateCookiesDto, who: ApiKeyIdentity) {
    let summary;
    try {
      summary = parseNetscapeCookies(dto.cookies);
    } catch (err) {
      if (err instanceof NetscapeCookiesError) throw new ApiError('validation_error', `cookies: ${err.message}`, [{ field: 'cookies', message: err.message }]);
      throw err;
    }
    const id = `ck_${randomToken(16)}`;
    const sealed = this.vault.sealAtRest(id, dto.cookies);
    const rec: CookieRecord = {
      id,
      api_key_fp: who.fingerprint,
      name: dto.name,
      cookie_count: summary.cookieCount,
      domains: summary.domains,
      created_at: this.clock.now().toISOString(),
    };
    await this.repo.insert(rec, sealed);
    this.logger.info({ cookies_id: id, cookie_count: rec.cookie_count }, 'cookies stored');
    return view(rec);
  }

  async list(who: ApiKeyIdentity) {
    return { cookies: (await this.repo.list(who.fingerprint)).map(view) };
  }

  async get(id: string, who: ApiKeyIdentity) {
    const rec = COOKIE_ID_PATTERN.test(id) ? await this.repo.find(id, who.fingerprint) : undefined;
    if (!rec) throw new ApiError('not_found', `No cookies with id ${id}`);
    return view(rec);
  }

  async remove(id: string, who: ApiKeyIdentity): Promise<void> {
    if (!COOKIE_ID_PATTERN.test(id) || !(await this.repo.remove(id, who.fingerprint))) throw new ApiError('not_found', `No cookies with id ${id}`);
  }

  /** Checks a download's cookies_id up front: 400 when malformed, 404 when not the caller's. */
  async assertUsable(cookiesId: string | null | undefined, who: ApiKeyIdentity): Promise<void> {
    if (!cookiesId) return;
    if (!COOKIE_ID_PATTERN.test(cookiesId))
      throw new ApiError('validation_error', 'cookies_id must look like ck_… (from POST /api/v1/cookies)', [{ field: 'cookies_id', message: 'malformed' }]);
    if (!(await this.repo.find(cookiesId, who.fingerprint))) throw new ApiError('not_found', `No cookies with id ${cookiesId}`);
  }

  /** The cookies sealed for one job's command, or null when the job has none. */
  async sealForJob(cookiesId: string | null | undefined, ownerFp: string, requestId: string): Promise<string | null> {
    if (!cookiesId) return null;
    const sealed = COOKIE_ID_PATTERN.test(cookiesId) ? await this.repo.sealedFor(cookiesId, ownerFp) : undefined;
    if (!sealed) throw new ApiError('not_found', `No cookies with id ${cookiesId}`);
    return this.vault.resealForJob(cookiesId, sealed, requestId);
  }

  /**
   * A metadata or listing query's cookies (the caller's own: 400 malformed id, 404 unknown), sealed
   * for a fresh query id alone; nothing when the query has none.
   */
  async sealForQuery(cookiesId: string | null | undefined, who: ApiKeyIdentity): Promise<{ cookies: string; query_id: string } | Record<string, never>> {
    if (!cookiesId) return {};
    await this.assertUsable(cookiesId, who);
    const queryId = `qry_${randomToken(16)}`;
    return { cookies: await this.sealForJob(cookiesId, who.fingerprint, queryId), query_id: queryId } as { cookies: string; query_id: string };
  }
}
