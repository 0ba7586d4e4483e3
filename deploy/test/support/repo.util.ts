import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Absolute path of the repository root (deploy/ is one level down). */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

export const APPS = ['gateway', 'downloader-worker', 'webhook-sender'] as const;
export type AppName = (typeof APPS)[number];

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

export function readRepoFile(rel: string): string {
  return readFileSync(repoPath(rel), 'utf8');
}

export function repoFileExists(rel: string): boolean {
  return existsSync(repoPath(rel));
}

/** Files under `dir` (repo-relative), recursively, whose name passes `keep`; repo-relative paths. */
export function listRepoFiles(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs)) {
      const full = join(abs, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (keep(entry)) out.push(relative(REPO_ROOT, full));
    }
  };
  walk(repoPath(dir));
  return out.sort();
}

/**
 * Every YAML document of a file. Throws with the file name on a syntax error or a warning
 * (duplicate keys and the like), so a broken file fails the test that reads it.
 */
export function readYamlDocuments(rel: string, options: { merge?: boolean } = {}): unknown[] {
  const docs = parseAllDocuments(readRepoFile(rel), { merge: options.merge ?? false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const problems = list.flatMap((d) => [...d.errors, ...d.warnings].map((e) => `${rel}: ${e.message}`));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return list.map((d) => d.toJS({ maxAliasCount: 100 })).filter((d) => d !== null && d !== undefined);
}

export function readYaml(rel: string, options: { merge?: boolean } = {}): unknown {
  const docs = readYamlDocuments(rel, options);
  if (docs.length !== 1) throw new Error(`${rel}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

/** Parses KEY=VALUE lines (comments and blank lines skipped), keeping the comment block above each key. */
export function parseEnvFile(text: string): Array<{ key: string; value: string; comment: string[] }> {
  const entries: Array<{ key: string; value: string; comment: string[] }> = [];
  let comment: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      comment = [];
    } else if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
    } else {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (!m) throw new Error(`not a KEY=VALUE line: ${raw}`);
      entries.push({ key: m[1], value: m[2], comment });
      comment = [];
    }
  }
  return entries;
}
