import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { answerClientError, applyHttpTimeouts } from '@mda/observability';
import type { GatewayConfig } from '../config/gateway-config';
import { ApiError } from './api-error';
import { toErrorResponse } from './error.filter';
import { parseJsonBody } from './json-body';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };

function sendError(reply: FastifyReply, err: unknown): void {
  const { status, body, headers } = toErrorResponse(err);
  void reply.status(status).headers(headers).send(body);
}

/**
 * Fastify options of the API server: errors Fastify or Node raise before a route runs (bad
 * percent-encoding in the path, 408, 431, malformed HTTP) answer in the API's error shape too.
 */
export function fastifyServerOptions(config: GatewayConfig): FastifyServerOptions {
  return {
    bodyLimit: config.bodyLimitBytes,
    logger: false,
    trustProxy: config.trustProxy,
    // while closing, a request on an open connection is still answered by the routes (readiness
    // says 503 with its checks), not by Fastify's own 503 body, which is not the API's error shape
    return503OnClosing: false,
    frameworkErrors: (err, _req, reply) => sendError(reply, err),
    clientErrorHandler: (err, socket) => answerClientError(err, socket, NOSNIFF),
  };
}

/** Timeouts, the safe JSON parser, the JSON-only rule and the error shape, on the Fastify instance (before listen). */
export function hardenHttpServer(fastify: FastifyInstance, config: GatewayConfig): void {
  applyHttpTimeouts(fastify.server, config.http);
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes }, (_req, body, done) => {
    const parsed = parseJsonBody(body as Buffer);
    if (parsed.ok) done(null, parsed.value);
    else done(new ApiError('invalid_json', parsed.message), undefined);
  });
  // errors raised by Fastify itself (body too large, bad JSON, wrong content type) get our error format too
  fastify.setErrorHandler((err, _req, reply) => sendError(reply, err));
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.headers(NOSNIFF);
    // the API speaks JSON only: any other body type is refused before parsing
    if (!BODY_METHODS.has(req.method)) return;
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (hasBody && type !== 'application/json') return reply.send(new ApiError('unsupported_media_type', 'Send the body as application/json'));
  });
}
