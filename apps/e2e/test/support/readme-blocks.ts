import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The fenced code block that follows `<!-- e2e:<name> -->` in the README. */
export function readmeBlock(name: string): string {
  const readme = readFileSync(resolve(__dirname, '../../../../README.md'), 'utf8');
  const marker = `<!-- e2e:${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README has no code block after ${marker}`);
  return m[1];
}
