import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020 from 'ajv/dist/2020';
import pino from 'pino';
import { JOB_STATUSES } from '@mda/contracts';
import { TestVhost, createTestVhost } from '@mda/testing';
import { loadGatewayConfig } from '../config/gateway-config';
import { createGateway } from '../main';
import { PUBLIC_ROUTE } from '../common/identity';

const ROOT = resolve(__dirname, '../../../..');
type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> }; webhooks: Record<string, any> };

/** Every HTTP route Nest registers for the gateway's controllers, as OpenAPI paths (`:id` → `{id}`). */
function registeredRoutes(app: NestFastifyApplication) {
  const routes: Array<{ method: string; path: string; isPublic: boolean; controller: string }> = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as any;
      if (!cls || !Reflect.hasMetadata(PATH_METADATA, cls)) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, cls)].flat() as string[];
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = cls.prototype[name];
        if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler) || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
        const isPublic = Boolean(Reflect.getMetadata(PUBLIC_ROUTE, cls) ?? Reflect.getMetadata(PUBLIC_ROUTE, handler));
        for (const prefix of prefixes) {
          for (const p of [Reflect.getMetadata(PATH_METADATA, handler)].flat() as string[]) {
            const path = ('/' + [prefix, p].filter((s) => s && s !== '/').join('/'))
              .replace(/\/+/g, '/')
              .replace(/:(\w+)/g, '{$1}')
              .replace(/\*$/, '{path}');
            routes.push({ method, path: path.length > 1 ? path.replace(/\/$/, '') : path, isPublic, controller: cls.name });
          }
        }
      }
    }
  }
  return routes;
}

describe('the OpenAPI document (/docs-json)', () => {
  let vhost: TestVhost;
  let app: NestFastifyApplication;
  let dir: string;
  let doc: Doc;

  beforeAll(async () => {
    vhost = await createTestVhost('openapi');
    dir = mkdtempSync(join(tmpdir(), 'mda-openapi-'));
    const config = loadGatewayConfig({
      API_KEY: 'docs-key-0123456789',
      AMQP_URL: vhost.amqpUrl,
      SQLITE_PATH: join(dir, 'jobs.sqlite'),
      STORAGE_DIR: join(dir, 'media'),
      HOST: '127.0.0.1',
    });
    ({ app } = await createGateway(config, pino({ level: 'silent' })));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    doc = JSON.parse(res.body);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await vhost?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is OpenAPI 3.1 and passes Redocly lint (recommended rules) with zero errors', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(ROOT, 'scripts/lint-openapi.mjs'), file], { cwd: ROOT, encoding: 'utf8' });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    const result = JSON.parse(out) as { errors: number; problems: Array<{ severity: string }> };
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.errors).toBe(0);
  });

  it('documents every route the gateway registers, with security where it is not public and a response schema for each 2xx', () => {
    const routes = registeredRoutes(app).filter((r) => r.controller !== 'DashboardController');
    expect(routes.length).toBeGreaterThan(25);
    const problems: string[] = [];
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method];
      if (!op) {
        problems.push(`${r.method.toUpperCase()} ${r.path} is not documented`);
        continue;
      }
      if (!op.summary || !op.description) problems.push(`${r.method} ${r.path}: no summary/description`);
      if (!r.isPublic && !(op.security ?? []).some((s: object) => 'api_key' in s)) problems.push(`${r.method} ${r.path}: no X-API-Key security`);
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
      if (ok.length === 0) problems.push(`${r.method} ${r.path}: no 2xx response`);
      for (const [code, resp] of ok as Array<[string, any]>) {
        if (code === '204') continue;
        if (!resp.content || !Object.values(resp.content).every((c: any) => c.schema)) problems.push(`${r.method} ${r.path}: ${code} has no schema`);
        const json = resp.content?.['application/json']?.schema;
        // a precise shape: a named model, or a schema that lists its fields (no bare "any object")
        if (json && !json.$ref && json.type === 'object' && !json.properties) problems.push(`${r.method} ${r.path}: ${code} is an untyped object`);
      }
      if (['post', 'put', 'patch'].includes(r.method) && op.requestBody) {
        const body = op.requestBody.content?.['application/json']?.schema;
        if (!body || (!body.$ref && !body.properties)) problems.push(`${r.method} ${r.path}: request body has no precise schema`);
        for (const status of ['400', '413', '415'])
          if (!op.responses?.[status]) problems.push(`${r.method} ${r.path}: takes a body but documents no ${status}`);
      }
      if (!op.responses?.['500']) problems.push(`${r.method} ${r.path}: no 500 (internal_error)`);
      if (!r.isPublic && !op.responses?.['401']?.content?.['application/json']?.schema?.$ref?.endsWith('/ErrorResponse'))
        problems.push(`${r.method} ${r.path}: 401 is not the Error schema`);
      for (const m of (op.path ?? r.path).matchAll(/\{(\w+)\}/g)) {
        if (!(op.parameters ?? []).some((p: any) => p.in === 'path' && p.name === m[1]))
          problems.push(`${r.method} ${r.path}: path parameter ${m[1]} undefined`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gets the parameters right: metadata url required and timeout_sec optional, redeliver all optional, files path defined', () => {
    const params = (path: string, method: string) =>
      Object.fromEntries((doc.paths[path][method].parameters as any[]).map((p) => [`${p.in}:${p.name}`, p.required === true]));
    expect(params('/api/v1/metadata', 'get')).toMatchObject({ 'query:url': true, 'query:timeout_sec': false });
    expect(params('/api/v1/download/{request_id}/webhooks/redeliver', 'post')).toMatchObject({ 'path:request_id': true, 'query:all': false });
    expect(params('/files/{path}', 'get')).toMatchObject({ 'path:path': true, 'query:expires': false, 'query:signature': false });
    expect(doc.paths['/files/{path}'].get.security).toEqual(expect.arrayContaining([{ signed_link: [] }, { api_key: [] }]));
  });

  it('counts jobs by every status the API knows (JobStatusCounts = JOB_STATUSES)', () => {
    const counts = doc.components.schemas['JobStatusCounts'];
    expect(Object.keys(counts.properties).sort()).toEqual([...JOB_STATUSES].sort());
    expect([...counts.required].sort()).toEqual([...JOB_STATUSES].sort());
  });

  it('has real examples: the path_template example uses the {placeholder} syntax, and no made-up cookies_id', () => {
    const props = doc.components.schemas['CreateDownloadDto'].properties;
    expect(props.path_template.example).toMatch(/\{title\}/);
    expect(props.path_template.example).not.toContain('%(');
    for (const name of ['CreateDownloadDto', 'PlaylistPreviewQuery', 'ChannelInfoQuery', 'CreateBatchDto', 'PlaylistDownloadDto', 'ChannelDownloadDto']) {
      expect([name, doc.components.schemas[name]?.properties?.cookies_id?.example]).toEqual([name, undefined]);
    }
    for (const op of ['/api/v1/playlist/preview', '/api/v1/channel/info']) {
      for (const p of doc.paths[op].get.parameters)
        expect([op, p.name, p.example ?? p.schema?.example]).not.toEqual([op, 'cookies_id', expect.stringMatching(/^ck_/)]);
    }
  });

  it('has examples that are what they describe: every example validates against its own schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'mda:doc', components: doc.components });
    const rebase = (schema: object) => JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"mda:doc#/'));
    const problems: string[] = [];
    let checked = 0;
    const check = (where: string, schema: Record<string, any>, example: unknown) => {
      const { example: _e, ...bare } = schema;
      const validate = ajv.compile(rebase(bare));
      checked++;
      if (!validate(example)) problems.push(`${where}: ${JSON.stringify(example)} ${ajv.errorsText(validate.errors)}`);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      if (schema.example !== undefined) check(name, schema, schema.example);
      for (const [prop, p] of Object.entries((schema.properties ?? {}) as Record<string, any>))
        if (p.example !== undefined) check(`${name}.${prop}`, p, p.example);
    }
    for (const [event, w] of Object.entries(doc.webhooks)) {
      const body = w.post.requestBody.content['application/json'];
      check(`webhook ${event}`, body.schema, body.example);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('describes the webhook events with their exact bodies and signed headers', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([
      'batch.completed',
      'download.cancelled',
      'download.completed',
      'download.expired',
      'download.failed',
      'download.progress',
      'download.started',
      'subscription.checked',
    ]);
    const completed = doc.webhooks['download.completed'].post;
    expect(completed.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['X-Webhook-Signature', 'X-Webhook-Event', 'X-Webhook-Id', 'webhook-id', 'webhook-timestamp', 'webhook-signature']),
    );
    const schema = doc.components.schemas['DownloadCompletedWebhook'];
    expect(schema.required).toEqual(expect.arrayContaining(['event', 'timestamp', 'request_id', 'data']));
    expect(doc.components.schemas['DownloadCompletedData'].required).toEqual(expect.arrayContaining(['request_id', 'url', 'status', 'file_info', 'metadata']));
  });

  it('is the document checked in for the client (libs/client/openapi.json; UPDATE_OPENAPI=1 rewrites it)', () => {
    const file = join(ROOT, 'libs/client/openapi.json');
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    const checkedIn = JSON.parse(readFileSync(file, 'utf8'));
    expect(checkedIn).toEqual(doc);
  });
});
