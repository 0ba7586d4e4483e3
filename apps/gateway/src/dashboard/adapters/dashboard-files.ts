import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Asset {
  body: Buffer;
  /** Present when compressing pays (text files). */
  gzip: Buffer | null;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.map']);

/**
 * The built dashboard (`dist/dashboard`): `index.html` and the few hashed files of `assets/`,
 * read and gzipped once at start. Only these names are ever served, so no request path reaches
 * the file system.
 */
export class DashboardFiles {
  readonly indexHtml: Buffer | null;
  private readonly assets = new Map<string, Asset>();

  constructor(readonly root: string | null) {
    const index = root ? join(root, 'index.html') : null;
    this.indexHtml = index && existsSync(index) ? readFileSync(index) : null;
    const dir = root ? join(root, 'assets') : null;
    if (dir && existsSync(dir)) {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (!statSync(path).isFile()) continue;
        const body = readFileSync(path);
        const ext = extname(name);
        const gz = COMPRESSIBLE.has(ext) ? gzipSync(body, { level: 9 }) : null;
        this.assets.set(name, {
          body,
          gzip: gz && gz.length < body.length ? gz : null,
          type: TYPES[ext] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        });
      }
    }
  }

  asset(name: string): Asset | undefined {
    return this.assets.get(name);
  }

  /**
   * Finds `dist/dashboard` above this file: the gateway runs from `dist/gateway/...` in a build and
   * from `apps/gateway/src/...` in tests, and both sit below the workspace root.
   */
  static locate(from: string = __dirname): DashboardFiles {
    let dir = resolve(from);
    for (;;) {
      const candidate = join(dir, 'dist', 'dashboard');
      if (existsSync(join(candidate, 'index.html'))) return new DashboardFiles(candidate);
      const parent = dirname(dir);
      if (parent === dir) return new DashboardFiles(null);
      dir = parent;
    }
  }
}
