/**
 * .env.example lists every variable the apps read, with its default and a comment, and both
 * docker-compose.yml and the Kubernetes ConfigMap/Secret set every one of them.
 */
import { get } from './support/cluster.util';
import { readCompose, serviceEnv } from './support/compose.util';
import { renderKustomization } from './support/kustomize.util';
import { APPS, DEPLOY_DIR, listRepoFiles, parseEnvFile, readRepoFile } from './support/repo.util';
import { join } from 'node:path';
import { dataKeys, dataValues } from './support/cluster.util';

const entries = parseEnvFile(readRepoFile('.env.example'));
const defaults = Object.fromEntries(entries.map((e) => [e.key, e.value]));
const keys = entries.map((e) => e.key);

/** The variables and defaults the project's configuration contract names. */
const CONTRACT: Record<string, string> = {
  PORT: '8080',
  API_KEY: '',
  API_KEYS: '',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  AMQP_PREFETCH: '20',
  DATABASE_URL: '',
  SQLITE_PATH: './data/jobs.sqlite',
  STORAGE_DIR: './storage',
  PUBLIC_BASE_URL: 'http://localhost:8080',
  FILES_SIGNING_SECRET: '',
  FILES_URL_TTL_SEC: '86400',
  WEBHOOK_ENABLE: 'true',
  WEBHOOK_TIMEOUT_SEC: '10',
  WEBHOOK_MAX_RETRIES: '3',
  WORKER_CONCURRENCY: '2',
  DOWNLOAD_TIMEOUT_SEC: '1800',
  MAX_FILE_SIZE_MB: '2048',
  RATE_LIMIT_RPS: '50',
  RATE_LIMIT_BURST: '100',
  ALLOW_PRIVATE_NETWORKS: 'false',
  COOKIE_ENCRYPTION_KEY: '',
  YTDLP_PATH: 'yt-dlp',
  FFMPEG_PATH: 'ffmpeg',
  LOG_LEVEL: 'info',
  METRICS_PORT: '',
  SHUTDOWN_GRACE_SEC: '30',
};

/** Values that only name secrets: they live in the Secret, never in the ConfigMap or a default. */
const SECRET_KEYS = [
  'API_KEY',
  'API_KEYS',
  'ADMIN_API_KEYS',
  'AMQP_URL',
  'DATABASE_URL',
  'COOKIE_ENCRYPTION_KEY',
  'FILES_SIGNING_SECRET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
];

/** Variables the apps' own sources read (config loaders and process.env), outside tests. */
function variablesReadByTheApps(): string[] {
  const sources = [...listRepoFiles('apps', (n) => n.endsWith('.ts')), ...listRepoFiles('libs', (n) => n.endsWith('.ts'))].filter(
    (f) => /^(apps\/(gateway|downloader-worker|webhook-sender)|libs\/(?!testing\/)[^/]+)\/src\//.test(f) && !/\.(spec|test)\.ts$/.test(f),
  );
  const found = new Set<string>();
  for (const f of sources) {
    const text = readRepoFile(f);
    for (const m of text.matchAll(/\benv,\s*'([A-Z][A-Z0-9_]*)'/g)) found.add(m[1]);
    for (const m of text.matchAll(/process\.env(?:\.|\[')([A-Z][A-Z0-9_]*)/g)) found.add(m[1]);
  }
  // the operating system's own variables (PATH for finding tools) are not configuration
  for (const system of ['PATH', 'HOME', 'TMPDIR']) found.delete(system);
  return [...found].sort();
}

describe('.env.example', () => {
  it('names each variable once', () => {
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('has the contract variables with their defaults', () => {
    expect(Object.fromEntries(Object.keys(CONTRACT).map((k) => [k, defaults[k]]))).toEqual(CONTRACT);
  });

  it('has every variable the apps read', () => {
    const read = variablesReadByTheApps();
    expect(read.length).toBeGreaterThan(15);
    expect(read.filter((v) => !keys.includes(v))).toEqual([]);
  });

  it('explains every variable in a comment line above it', () => {
    for (const e of entries) expect(`${e.key}: ${e.comment.join(' ')}`.length).toBeGreaterThan(`${e.key}: `.length + 10);
  });

  it('holds no secret values', () => {
    for (const k of SECRET_KEYS.filter((s) => s !== 'AMQP_URL')) expect(`${k}=${defaults[k]}`).toBe(`${k}=`);
  });
});

describe('docker-compose.yml', () => {
  const compose = readCompose();

  it.each(APPS)('sets every variable of .env.example for %s', (app) => {
    const env = serviceEnv(compose.services[app]);
    // the gateway serves metrics on PORT and reads no METRICS_PORT
    const expected = keys.filter((k) => !(app === 'gateway' && k === 'METRICS_PORT'));
    expect(expected.filter((k) => !(k in env))).toEqual([]);
  });

  /** Variables that name one of this file's services: they take that service's setting (a compose-only knob), not their own. */
  const FROM_SERVICE: Record<string, unknown> = { S3_SECRET_ACCESS_KEY: compose.services['minio'].environment?.['MINIO_ROOT_PASSWORD'] };

  it.each(APPS)('gives %s the .env.example defaults where .env can override', (app) => {
    const service = compose.services[app];
    const raw = service.environment ?? {};
    for (const [k, v] of Object.entries(raw)) {
      if (k in FROM_SERVICE) {
        expect(`${k}: ${v}`).toBe(`${k}: ${FROM_SERVICE[k]}`);
        continue;
      }
      const m = /^\$\{([A-Z_0-9]+):-([^}]*)\}$/.exec(String(v));
      if (m) expect(`${k}: ${m[1]}=${m[2]}`).toBe(`${k}: ${k}=${defaults[k]}`);
    }
  });
});

describe('Kubernetes ConfigMap and Secret', () => {
  const base = renderKustomization(join(DEPLOY_DIR, 'base'));
  const config = get(base, 'ConfigMap', 'mda-config');
  const secret = get(base, 'Secret', 'mda-secrets');
  const configValues = dataValues(config);

  it('set every variable of .env.example between them, each in one place', () => {
    const all = [...dataKeys(config), ...dataKeys(secret)];
    expect(keys.filter((k) => !all.includes(k))).toEqual([]);
    expect(dataKeys(config).filter((k) => dataKeys(secret).includes(k))).toEqual([]);
  });

  it('keep credentials in the Secret only', () => {
    expect(dataKeys(secret).sort()).toEqual([...SECRET_KEYS].sort());
  });

  it('use the .env.example defaults, with container paths for the folders and the S3 layout (a bucket) as the store', () => {
    const inCluster: Record<string, string> = { STORAGE_DIR: '/app/storage', SQLITE_PATH: '/app/data/jobs.sqlite', STORAGE_BACKEND: 's3' };
    for (const k of dataKeys(config)) expect(`${k}=${configValues[k]}`).toBe(`${k}=${inCluster[k] ?? defaults[k]}`);
  });

  it('ship base S3 keys as placeholders, which overlays replace (the example with its git-ignored secrets.env)', () => {
    const values = dataValues(secret);
    expect([values['S3_ACCESS_KEY_ID'], values['S3_SECRET_ACCESS_KEY']]).toEqual(['REPLACE', 'REPLACE']);
  });

  it('ship base API keys that fail closed (shorter than the 8 characters a key needs)', () => {
    const values = dataValues(secret);
    const apiKeys = [values['API_KEY'], ...values['API_KEYS'].split(',')].map((k) => k.trim()).filter(Boolean);
    expect(apiKeys.length).toBeGreaterThan(0);
    for (const k of apiKeys) expect(k.length).toBeLessThan(8);
    expect(values['COOKIE_ENCRYPTION_KEY']).not.toMatch(/^[0-9a-f]{64}$/i);
  });

  it('ship an example secrets file whose keys match the Secret and whose API keys are empty', () => {
    const example = parseEnvFile(readRepoFile('deploy/overlays/example/secrets.env.example'));
    expect(example.map((e) => e.key).sort()).toEqual(dataKeys(secret).sort());
    for (const e of example.filter((x) =>
      ['API_KEY', 'API_KEYS', 'COOKIE_ENCRYPTION_KEY', 'FILES_SIGNING_SECRET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].includes(x.key),
    ))
      expect(e.value).toBe('');
  });
});
