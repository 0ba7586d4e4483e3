import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project's version: from the nearest package.json above this file (the repo, or /app in the image). */
export function appVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'media-download-api' && pkg.version) return pkg.version;
      } catch {
        // not ours; keep looking
      }
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
