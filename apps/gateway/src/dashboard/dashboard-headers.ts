/**
 * Headers of the dashboard page. Everything it loads is its own (no CDN, no fonts); thumbnails
 * may come from the media's site, and file links open the gateway's own /files.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  // the page names its hashed assets: always revalidate it, so a new build is picked up at once
  'Cache-Control': 'no-cache',
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https: http:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Hashed file names never change content: cache them for a year. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Paths that belong to the API and the operators, never to the page's client-side routes. */
export const NON_PAGE_PREFIXES = ['api', 'files', 'health', 'metrics', 'docs', 'assets'];
