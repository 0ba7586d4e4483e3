import { ConfigError, Env, optionalStr } from '@mda/config';

/** CORS_ORIGINS: browser origins allowed to call the API. Empty (default): no CORS; `*`: any origin. */
export type CorsOrigins = string[] | '*';

export function loadCorsOrigins(env: Env): CorsOrigins {
  const raw = (optionalStr(env, 'CORS_ORIGINS') ?? '').trim();
  if (raw === '*') return '*';
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin.replace(/\/$/, '');
    } catch {
      ok = false;
    }
    if (!ok)
      throw new ConfigError(
        'CORS_ORIGINS',
        `"${origin.slice(0, 100)}" is not an origin like https://app.example.com or http://localhost:3000 (comma-separated, or *)`,
      );
  }
  return list.map((o) => o.replace(/\/$/, ''));
}
