import { HttpException } from '@nestjs/common';

/** Stable error codes of the API (SPEC §3 error format). */
export const ERROR_CODES = {
  validation_error: 400,
  /** The body is not JSON, nests deeper than 32 levels, or carries __proto__ / constructor.prototype. */
  invalid_json: 400,
  /** Malformed HTTP: a body shorter than its Content-Length, bytes that are not a request. */
  bad_request: 400,
  invalid_url: 400,
  forbidden_address: 400,
  unauthorized: 401,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  too_many_queries: 429,
  headers_too_large: 431,
  internal_error: 500,
  broker_unavailable: 503,
  cookies_unavailable: 503,
  gateway_timeout: 504,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: { code, message, ...(details === undefined ? {} : { details }) } } satisfies ErrorBody, ERROR_CODES[code]);
  }
}
