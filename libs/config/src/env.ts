/** A bad configuration value: the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

function raw(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function str(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function optionalStr(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function int(env: Env, name: string, opts: { default: number; min: number; max: number }): number {
  const v = raw(env, name);
  if (v === undefined) return opts.default;
  if (!/^-?\d+$/.test(v)) throw new ConfigError(name, `must be a whole number from ${opts.min} to ${opts.max} (got "${v}")`);
  const n = Number(v);
  if (n < opts.min || n > opts.max) throw new ConfigError(name, `must be from ${opts.min} to ${opts.max} (got ${n})`);
  return n;
}

export function num(env: Env, name: string, opts: { default: number; min: number; max: number }): number {
  const v = raw(env, name);
  if (v === undefined) return opts.default;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(name, `must be a number from ${opts.min} to ${opts.max} (got "${v}")`);
  if (n < opts.min || n > opts.max) throw new ConfigError(name, `must be from ${opts.min} to ${opts.max} (got ${n})`);
  return n;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  const l = v.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(l)) return true;
  if (['false', '0', 'no', 'off'].includes(l)) return false;
  throw new ConfigError(name, `must be true or false (got "${v}")`);
}

export function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const v = raw(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(name, 'must be a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  return v;
}

export function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const v = raw(env, name) ?? fallback;
  if (!values.includes(v as T)) throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${v}")`);
  return v as T;
}
