import pino, { Logger } from 'pino';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'apiKey',
  'api_key',
  'key',
  'secret',
  'password',
  'cookies',
  'cookie',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.password',
  '*.cookies',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers.authorization',
  'headers["x-api-key"]',
  // S3 credentials, wherever a config object holding them is logged
  'credentials',
  '*.credentials',
  '*.*.credentials',
  'secretAccessKey',
  '*.secretAccessKey',
];

export type { Logger };

export function createLogger(service: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/**
 * Node writes process warnings (deprecations, library warnings) to stderr as plain text; route
 * them through the JSON logger instead, so every line an app prints is one JSON object.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: string }) => logger.warn({ event: 'process.warning', warning: w.name, code: w.code }, w.message));
}
