import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CorsOrigins } from '../config/cors-origins';

/**
 * CORS for the origins in CORS_ORIGINS (@fastify/cors through Nest): preflights are answered before
 * the API-key check, a listed origin gets Access-Control-Allow-Origin, any other gets none (the
 * browser then blocks the call). No origins configured: no CORS at all.
 */
export function enableCors(app: NestFastifyApplication, origins: CorsOrigins): void {
  if (origins !== '*' && origins.length === 0) return;
  app.enableCors({
    origin: origins === '*' ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'X-API-Key', 'Authorization', 'Last-Event-ID', 'Range'],
    exposedHeaders: ['Retry-After', 'Location', 'Content-Range', 'Content-Disposition', 'X-Request-Id'],
    maxAge: 600,
    strictPreflight: false,
  });
}
