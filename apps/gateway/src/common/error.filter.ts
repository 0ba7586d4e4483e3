import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Logger } from '@mda/observability';
import { ApiError, ErrorBody } from './api-error';

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
  const fastifyStatus = (err as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    const code = STATUS_CODES[fastifyStatus] ?? 'bad_request';
    const message = fastifyStatus === 400 ? 'Request body is not valid JSON' : (err as Error).message;
    return { status: fastifyStatus, body: { error: { code, message } }, headers: {} };
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
