import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from './models';
import { toOpenApi31 } from './openapi-31';
import { WEBHOOK_MODELS } from './webhook-models';
import { SWAGGER_ASSETS, SwaggerAsset, loadSwaggerAsset, swaggerHtml } from './adapters/swagger-ui-assets';

export const DOCS_PATH = '/docs';
export const DOCS_JSON_PATH = '/docs-json';

const WEBHOOKS = `Every download may carry a \`webhook_url\`. Events: \`download.started\`, \`download.progress\` (at most one a second),
\`download.completed\`, \`download.failed\`, plus \`download.cancelled\` and \`batch.completed\`. Each POST is signed:
\`X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with your API key>\`.

\`\`\`json
{
  "event": "download.completed",
  "timestamp": "2025-11-06T10:02:30Z",
  "request_id": "req_abc123",
  "data": {
    "request_id": "req_abc123",
    "url": "https://example.com/video",
    "status": "completed",
    "file_info": {
      "filename": "video-abc123.mp4",
      "filepath": "videos/video-abc123.mp4",
      "size_bytes": 104857600,
      "download_url": "https://api.example.com/files/videos/video-abc123.mp4"
    },
    "metadata": { "title": "Example Video", "uploader": "Channel Name", "duration": 600 }
  }
}
\`\`\`

\`batch.completed\` has \`request_id: null\`, a \`batch_id\`, and \`data\` with \`status\`, \`total\`, \`completed\`, \`failed\`, \`cancelled\` and \`request_ids\`.`;

/** The document as NestJS builds it from the controllers and DTOs (OpenAPI 3.0), before toOpenApi31. */
export function buildOpenApi30(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Media Download API')
    .setDescription(
      `Download media by URL with yt-dlp; get signed webhooks as it progresses.\n\n## Webhooks\n\n${WEBHOOKS}\n\nThe exact bodies and headers are under \`webhooks\` in this document.\n\n## Errors\n\nErrors have one shape, \`ErrorResponse\`: \`{ "error": { "code", "message", "details"? } }\`. Each operation lists the statuses it answers; besides those, any route may answer 408 (\`request_timeout\`), 414 (\`uri_too_long\`) or 431 (\`headers_too_large\`) in that shape when the request itself cannot be read.`,
    )
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This server')
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header', description: 'One of the API_KEYS of the server' }, 'api_key')
    .addApiKey(
      {
        type: 'apiKey',
        name: 'signature',
        in: 'query',
        description: 'The signed, expiring query of a download_url (`expires` and `signature`), as handed out in file_info',
      },
      'signed_link',
    )
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse, ...WEBHOOK_MODELS],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return withPathParameterErrors(doc);
}

/** A path parameter that is not valid percent-encoding (`/api/v1/download/%E0%A4%A`) is a 400 on any route that has one. */
function withPathParameterErrors(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.includes('{')) continue;
    for (const op of Object.values(item) as Array<{ responses?: Record<string, unknown> }>) {
      if (!op || typeof op !== 'object' || !op.responses || op.responses['400']) continue;
      op.responses['400'] = {
        description: 'A path parameter that is not valid percent-encoding (validation_error)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
      };
      op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return doc;
}

/** OpenAPI 3.1 from the controllers and DTOs: UI at /docs, JSON at /docs-json (and /docs/json). No API key needed. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const document = toOpenApi31(buildOpenApi30(app));
  const fastify = app.getHttpAdapter().getInstance();
  const json = JSON.stringify(document);
  // the UI is served below (SwaggerModule's own UI needs @fastify/static, which this app does not carry)
  for (const path of [DOCS_JSON_PATH, `${DOCS_PATH}/json`]) {
    fastify.get(path, (_req, reply) => void reply.type('application/json; charset=utf-8').send(json));
  }
  const html = swaggerHtml(DOCS_PATH, DOCS_JSON_PATH);
  fastify.get(DOCS_PATH, (_req, reply) => void reply.type('text/html; charset=utf-8').send(html));
  const cache = new Map<SwaggerAsset, { body: Buffer; type: string }>();
  for (const name of SWAGGER_ASSETS) {
    fastify.get(`${DOCS_PATH}/${name}`, (_req, reply) => {
      let a = cache.get(name);
      if (!a) cache.set(name, (a = loadSwaggerAsset(name)));
      void reply.type(a.type).header('Cache-Control', 'public, max-age=86400').send(a.body);
    });
  }
}
