import { Controller, Get, Query } from '@nestjs/common';
import { ApiOp } from '../docs/decorators';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { MediaInfo } from '../docs/models';
import { ApiError } from '../common/api-error';
import { Identity } from '../common/identity';
import { ApiKeyIdentity } from '../common/api-keys';
import { CookieAccess } from '../submissions/cookie-access.port';
import { DEFAULT_WORKER_QUERY_TIMEOUT_MS, WorkerQueryClient } from '../worker-queries/worker-query-client';
import { UrlPolicy } from '../submissions/url-policy';

const MAX_TIMEOUT_SEC = 120;

/** GET /api/v1/metadata?url=: what a URL offers (title, uploader, duration, thumbnail, formats), asked of a worker. */
@ApiTags('downloads')
@Controller('api/v1')
export class MetadataController {
  constructor(
    private readonly queries: WorkerQueryClient,
    private readonly urls: UrlPolicy,
    private readonly cookies: CookieAccess,
  ) {}

  @Get('metadata')
  @ApiOp({
    summary: 'What a URL offers',
    description: 'Title, uploader, duration, thumbnail and formats of a URL, asked of a worker (yt-dlp), without downloading.',
    type: MediaInfo,
    errors: [400, 404, 503, 504],
  })
  @ApiQuery({ name: 'url', required: true, description: 'http or https URL of a video page', example: 'https://example.com/video' })
  @ApiQuery({
    name: 'timeout_sec',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 120, default: 30 },
    description: 'How long to wait for a worker',
  })
  @ApiQuery({ name: 'cookies_id', required: false, description: 'Cookies uploaded with POST /api/v1/cookies (ck_…), sent with the request' })
  async metadata(
    @Identity() who: ApiKeyIdentity,
    @Query('url') url?: string | string[],
    @Query('timeout_sec') timeoutSec?: string,
    @Query('cookies_id') cookiesId?: string | string[],
  ) {
    if (typeof url !== 'string' || url.trim() === '') {
      throw new ApiError('validation_error', 'url is required: GET /api/v1/metadata?url=<http or https URL>', [{ field: 'url', message: 'url is required' }]);
    }
    if (url.length > 4096) throw new ApiError('validation_error', 'url must be at most 4096 characters', [{ field: 'url', message: 'too long' }]);
    if (cookiesId !== undefined && typeof cookiesId !== 'string') {
      throw new ApiError('validation_error', 'cookies_id must be given once', [{ field: 'cookies_id', message: 'repeated' }]);
    }
    const timeoutMs = parseTimeout(timeoutSec);
    await this.urls.assertReachable(url, 'url');
    // the caller's cookies (from POST /api/v1/cookies), sealed for this query alone
    const sealed = await this.cookies.sealForQuery(cookiesId, who);
    const result = await this.queries.query({ kind: 'metadata', url, key_fp: who.fingerprint, ...sealed }, timeoutMs);
    return { url, ...result };
  }
}

/** Optional `timeout_sec` (1–120): how long to wait for a worker; default 30 s. */
function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WORKER_QUERY_TIMEOUT_MS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TIMEOUT_SEC) {
    const message = `timeout_sec must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SEC}`;
    throw new ApiError('validation_error', message, [{ field: 'timeout_sec', message }]);
  }
  return n * 1000;
}
