import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Logger } from '@mda/observability';
import { ApiError, ERROR_CODES, ErrorBody, ErrorCode } from './api-error';

const STATUS_CODES: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Errors Fastify raises itself (its `code`), in our codes and words. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'Request body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: 'Request body size did not match its Content-Length' },
  FST_ERR_BAD_URL: { code: 'validation_error', message: 'The URL path is not valid percent-encoding' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'uri_too_long', message: 'A path parameter is too long' },
};

/** Maps a thrown error (ours, Nest's, or Fastify's) to the error body of SPEC §3. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof ApiError) return { status: err.getStatus(), body: err.getResponse() as ErrorBody, headers: err.headers };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message = typeof res === 'string' ? res : ((res as { message?: unknown }).message ?? err.message);
    return {
      status,
      body: { error: { code: STATUS_CODES[status] ?? 'error', message: Array.isArray(message) ? message.join('; ') : String(message) } },
      headers: {},
    };
  }
  const known = FASTIFY_ERRORS[(err as { code?: string })?.code ?? ''];
  if (known) return { status: ERROR_CODES[known.code], body: { error: { code: known.code, message: known.message } }, headers: {} };
  const fastifyStatus = (err as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    // e.g. a request stream that broke off while its body was read
    const code = STATUS_CODES[fastifyStatus] ?? 'bad_request';
    const message = fastifyStatus === 400 ? 'Bad request' : (err as Error).message;
    return { status: fastifyStatus, body: { error: { code: fastifyStatus === 400 ? 'bad_request' : code, message } }, headers: {} };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } }, headers: {} };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(exception);
    if (status >= 500) this.logger.error({ err: exception instanceof Error ? exception.stack : String(exception) }, 'request failed');
    void reply.status(status).headers(headers).send(body);
  }
}
