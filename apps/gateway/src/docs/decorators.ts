import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponse } from './models';

export const API_KEY_SCHEME = 'api_key';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (validation_error, invalid_json, invalid_url, forbidden_address)',
  401: 'Missing or invalid X-API-Key (unauthorized)',
  404: 'No such resource for this key (not_found)',
  409: 'The resource is not in a state that allows this (conflict)',
  413: 'Body too large (payload_too_large)',
  415: 'The body is not application/json (unsupported_media_type)',
  416: 'The range is outside the file (range_not_satisfiable)',
  429: 'Too many requests (rate_limited, too_many_queries); see Retry-After',
  500: 'Unexpected server error (internal_error)',
  503: 'The broker or a dependency is unavailable (broker_unavailable, cookies_unavailable); see Retry-After',
  504: 'No worker answered in time (gateway_timeout)',
};

/** Error responses in the shared `{ error: { code, message, details? } }` shape. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } } }),
    ),
  );
}

/**
 * One operation: summary, description, the 2xx body and its errors. Authenticated ones get 401 and 429 too;
 * one with a JSON body (`body: true`) gets 400 (invalid_json), 413 and 415; every one may answer 500.
 */
export function ApiOp(opts: {
  summary: string;
  description: string;
  status?: number;
  type?: Type<unknown>;
  schema?: Record<string, unknown>;
  okDescription?: string;
  errors?: number[];
  public?: boolean;
  /** Takes a JSON request body. */
  body?: boolean;
  extra?: Array<{ status: number; type?: Type<unknown>; description: string }>;
}) {
  const errors = new Set(opts.errors ?? []);
  if (!opts.public) {
    errors.add(401);
    errors.add(429);
  }
  if (opts.body) for (const s of [400, 413, 415]) errors.add(s);
  errors.add(500);
  const ok = opts.type ? { type: opts.type } : opts.schema ? { schema: opts.schema } : {};
  return applyDecorators(
    ApiOperation({ summary: opts.summary, description: opts.description, ...(opts.public ? { security: [] } : {}) }),
    ...(opts.public ? [] : [ApiSecurity(API_KEY_SCHEME)]),
    ApiResponse({ status: opts.status ?? 200, description: opts.okDescription ?? 'OK', ...ok }),
    ...(opts.extra ?? []).map((e) => ApiResponse({ status: e.status, description: e.description, ...(e.type ? { type: e.type } : {}) })),
    ApiErrors(...[...errors].sort((a, b) => a - b)),
  );
}
