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
