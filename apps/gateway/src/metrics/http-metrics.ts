import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { METRICS } from '@mda/contracts';
import { Logger, counterOf, histogramOf } from '@mda/observability';

const requestsTotal = counterOf(METRICS.httpRequests);
const requestDuration = histogramOf(METRICS.httpDuration);
/** Statuses every route starts with at 0, so the first success and the first server error are counted. */
const INITIAL_STATUSES = ['200', '500'];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Requests that matched no route share one label value, so probing random paths adds no series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route label: the pattern Fastify matched (`/api/v1/download/:request_id`), never the raw
 * URL, which carries ids and signed query strings (cardinality and secrets).
 */
export function routeLabel(req: FastifyRequest): string {
  const pattern = req.routeOptions?.url;
  return pattern && pattern !== '*' ? pattern : UNMATCHED_ROUTE;
}

/**
 * Counts and times every answered request (onResponse runs after the reply is sent, also for
 * 404, 401 and errors) and writes one access log line with the route pattern, never the URL.
 */
export function registerHttpMetrics(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => METHODS.has(m) && m !== 'HEAD' && m !== 'OPTIONS');
    for (const method of methods) for (const status of INITIAL_STATUSES) requestsTotal.inc({ method, route: route.url, status }, 0);
  });
  fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    const route = routeLabel(req);
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    requestsTotal.inc({ method, route, status: String(status) });
    requestDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
    if (route === '/health/live' || route === '/health/ready' || route === '/metrics') return; // probes and scrapes: not worth a line each
    logger.info({ event: 'http.request', method, route, status_code: status, duration_ms: Math.round(seconds * 100_000) / 100 }, 'request handled');
  });
}
