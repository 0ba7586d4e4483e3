/** docker-compose.yml as compose sees it: YAML merge keys resolved, ${VAR:-default} interpolated. */
import { readYaml } from './repo.util';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string; timeout?: string; retries?: number; start_period?: string };
  stop_grace_period?: string;
  restart?: string;
  read_only?: boolean;
  tmpfs?: string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export function readCompose(): ComposeFile {
  return readYaml('docker-compose.yml', { merge: true }) as ComposeFile;
}

/** Interpolates like `docker compose` does with an empty .env: ${X:-d} and ${X-d} give d, ${X} gives "". */
export function interpolate(value: unknown, env: Record<string, string> = {}): string {
  return String(value ?? '').replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (_m, name: string, op: string | undefined, arg: string | undefined) => {
      const v = env[name];
      if (op === ':-') return v === undefined || v === '' ? (arg ?? '') : v;
      if (op === '-') return v === undefined ? (arg ?? '') : v;
      if (op === ':?' || op === '?') {
        if (v === undefined || (op === ':?' && v === '')) throw new Error(`${name} is required: ${arg}`);
        return v;
      }
      return v ?? '';
    },
  );
}

/** A duration such as 45s, 1m30s or 2h, in seconds. */
export function durationSec(text: string): number {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[m[2] as 'h' | 'm' | 's' | 'ms' | 'us'];
    matched += m[0];
  }
  if (matched !== text) throw new Error(`not a duration: ${text}`);
  return total;
}

/** The variables a service's container gets, interpolated. */
export function serviceEnv(service: ComposeService, env: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, env)]));
}
