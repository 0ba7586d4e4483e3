import { ApiKeyIdentity } from '../common/api-keys';

/**
 * Port: a key's uploaded cookies as downloads and worker queries use them (ownership checked,
 * sealed for one job or query). Declared here, beside the use cases that need it; the cookies
 * feature implements it and binds it (CookiesModule), so no feature imports the cookies folder.
 */
export abstract class CookieAccess {
  /** Checks a download's cookies_id up front: 400 when malformed, 404 when not the caller's. */
  abstract assertUsable(cookiesId: string | null | undefined, who: ApiKeyIdentity): Promise<void>;

  /** The cookies sealed for one job's command, or null when the job has none (404 when not the owner's). */
  abstract sealForJob(cookiesId: string | null | undefined, ownerFp: string, requestId: string): Promise<string | null>;

  /** A metadata or listing query's cookies (the caller's own), sealed for a fresh query id; nothing when none. */
  abstract sealForQuery(cookiesId: string | null | undefined, who: ApiKeyIdentity): Promise<{ cookies: string; query_id: string } | Record<string, never>>;
}
