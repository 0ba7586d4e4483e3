import { join } from 'node:path';

/** madge ships no types: the one call used here. */
type Madge = (path: string, config: Record<string, unknown>) => Promise<{ obj(): Record<string, string[]> }>;
const madge = require('madge') as Madge;

const SRC = __dirname;

/** The gateway's import graph (its own files only; libs and packages are not followed), specs left out. */
async function importGraph(): Promise<Record<string, string[]>> {
  const result = await madge(SRC, {
    fileExtensions: ['ts'],
    tsConfig: join(SRC, '..', 'tsconfig.app.json'),
    excludeRegExp: [/\.spec\.ts$/, /^\.\.\//],
  });
  return result.obj();
}

/** Top-level folder of a file (`.` for the files at the root: main.ts, app.module.ts). */
const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0] : '.');

/** Folder -> folders its files import (imports inside a folder left out). */
export function folderGraph(files: Record<string, string[]>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, deps] of Object.entries(files)) {
    for (const dep of deps) {
      const [from, to] = [folderOf(file), folderOf(dep)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)?.add(to);
    }
  }
  return graph;
}

/** Every cycle a depth-first walk meets, as `a > b > a` (empty when the graph is acyclic). */
export function cyclesOf(graph: Map<string, Set<string>>): string[] {
  const cycles: string[] = [];
  const path: string[] = [];
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (node: string) => {
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onPath.has(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' > '));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };
  for (const node of graph.keys()) if (!done.has(node)) visit(node);
  return cycles;
}

/**
 * The layers. Shared/core folders are what every feature stands on: configuration, auth, the store,
 * the jobs module (job store + JobLifecycle bus), the application use cases (submissions: one
 * download; batches: many downloads, listings), the scheduler, metrics, API docs, the worker query
 * client and the media store / file links. Features are the rooms of the API; they import only the
 * shared folders (and libs), never each other, and the shared folders never import a feature.
 * A feature needing another feature's work asks through a port declared in a shared folder (bound
 * by the feature that implements it) or reacts to JobLifecycle.
 */
export const SHARED = [
  'auth',
  'batches',
  'common',
  'config',
  'docs',
  'files',
  'jobs',
  'metrics',
  'rate-limit',
  'scheduler',
  'store',
  'submissions',
  'worker-queries',
];
export const FEATURES = [
  'admin',
  'channels',
  'cookies',
  'dashboard',
  'downloads',
  'events-stream',
  'health',
  'library',
  'playlists',
  'subscriptions',
  'webhooks',
];
/** The root (main.ts, app.module.ts) is the composition map: it imports every module. */
const ROOT = '.';

/** Folder edges that break the layering, as `from -> to (file -> file, ...)`. */
export function layerViolations(files: Record<string, string[]>, features: string[]): string[] {
  const feature = new Set(features);
  const out = new Map<string, string[]>();
  for (const [file, deps] of Object.entries(files)) {
    const from = folderOf(file);
    if (from === ROOT) continue;
    for (const dep of deps) {
      const to = folderOf(dep);
      if (from === to || !feature.has(to)) continue; // only an arrow into a feature can be wrong
      const key = `${from} -> ${to}`;
      out.set(key, [...(out.get(key) ?? []), `${file} -> ${dep}`]);
    }
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([edge, why]) => `${edge} (${why.join(', ')})`);
}

describe('gateway architecture', () => {
  let files: Record<string, string[]>;

  beforeAll(async () => {
    files = await importGraph();
  }, 60_000);

  it('reads the whole gateway (an empty graph would pass the checks below vacuously)', () => {
    expect(Object.keys(files).length).toBeGreaterThan(150);
    expect(files['app.module.ts']).toEqual(expect.arrayContaining(['jobs/jobs.module.ts', 'downloads/downloads.module.ts']));
  });

  it('has no circular import between files', () => {
    expect(cyclesOf(new Map(Object.entries(files).map(([f, deps]) => [f, new Set(deps)])))).toEqual([]);
  });

  it('has no circular import between folders (features depend one way; they react to jobs through JobLifecycle)', () => {
    expect(cyclesOf(folderGraph(files))).toEqual([]);
  });

  it('keeps the jobs module below the features: it imports only shared folders', () => {
    expect([...(folderGraph(files).get('jobs') ?? [])].sort()).toEqual(['common', 'store']);
  });

  it('puts every folder in exactly one layer', () => {
    const folders = [...new Set(Object.keys(files).map(folderOf))].filter((f) => f !== ROOT).sort();
    expect([...SHARED, ...FEATURES].sort()).toEqual(folders);
  });

  it('has arrows from features only toward shared folders, and none from shared folders into features', () => {
    expect(layerViolations(files, FEATURES)).toEqual([]);
  });

  it('names the file imports behind an arrow into a feature', () => {
    const graph = { 'a/x.ts': ['b/y.ts', 'core/z.ts'], 'core/z.ts': ['b/w.ts'], 'b/y.ts': [], 'b/w.ts': [], 'main.ts': ['b/y.ts'] };
    expect(layerViolations(graph, ['a', 'b'])).toEqual(['a -> b (a/x.ts -> b/y.ts)', 'core -> b (core/z.ts -> b/w.ts)']);
  });

  it('finds a cycle when there is one', () => {
    const graph = folderGraph({ 'a/x.ts': ['b/y.ts'], 'b/y.ts': ['c/z.ts'], 'c/z.ts': ['a/w.ts'], 'a/w.ts': [] });
    expect(cyclesOf(graph)).toEqual(['a > b > c > a']);
  });
});
