export interface Settings {
  baseUrl: string;
  apiKey: string;
}

export type SettingsOutcome = { ok: true; settings: Settings } | { ok: false; message: string };

/** MDA_URL (default http://127.0.0.1:8080) and MDA_API_KEY (required). */
export function readSettings(env: NodeJS.ProcessEnv): SettingsOutcome {
  const baseUrl = (env['MDA_URL'] ?? 'http://127.0.0.1:8080').trim();
  const apiKey = (env['MDA_API_KEY'] ?? '').trim();
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) return { ok: false, message: `MDA_URL must be an http(s) URL of the gateway (got "${baseUrl}")` };
  if (!apiKey) return { ok: false, message: 'MDA_API_KEY is not set: export MDA_API_KEY=<one of the API_KEYS of the server>' };
  return { ok: true, settings: { baseUrl, apiKey } };
}
