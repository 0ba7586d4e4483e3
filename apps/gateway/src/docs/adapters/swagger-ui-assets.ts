import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The three Swagger UI files the page needs, from swagger-ui-dist (what @nestjs/swagger ships with). */
const FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
} as const;
export type SwaggerAsset = keyof typeof FILES;
export const SWAGGER_ASSETS = Object.keys(FILES) as SwaggerAsset[];

function distDir(): string {
  const swagger = require.resolve('@nestjs/swagger');
  return dirname(require.resolve('swagger-ui-dist/package.json', { paths: [swagger] }));
}

/** Read once, on first use; a fixed list, so no request path ever reaches the file system. */
export function loadSwaggerAsset(name: SwaggerAsset): { body: Buffer; type: string } {
  return { body: readFileSync(join(distDir(), name)), type: FILES[name] };
}

export function swaggerHtml(base: string, specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Media Download API</title><link rel="stylesheet" href="${base}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>
`;
}
