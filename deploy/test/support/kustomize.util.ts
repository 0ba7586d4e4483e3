/**
 * A small kustomize, enough for the features deploy/ uses, so the tests can check what
 * `kubectl apply -k` would send without a kustomize binary. It refuses any kustomization field it
 * does not implement, so a new feature in deploy/ makes the tests say so instead of passing.
 * (When kubectl is installed, kustomize.spec.ts also compares with the real thing.)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { K8sObject, isK8sObject } from './k8s.type';
import { parseEnvFile } from './repo.util';

interface Generator {
  name: string;
  behavior?: 'create' | 'replace' | 'merge';
  files?: string[];
  literals?: string[];
  envs?: string[];
  type?: string;
  options?: { disableNameSuffixHash?: boolean; labels?: Record<string, string>; annotations?: Record<string, string> };
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
}

interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}

interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: unknown;
}

export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  images?: ImageRule[];
  patches?: Array<{ target?: PatchTarget; patch: string }>;
  replacements?: Replacement[];
}

/** kustomize `replacements`: copy one field of one object into fields of others. */
interface Replacement {
  source: { kind: string; name: string; fieldPath: string };
  targets: Array<{ select: PatchTarget; fieldPaths: string[] }>;
}

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'configMapGenerator',
  'secretGenerator',
  'images',
  'patches',
  'replacements',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterTriggerAuthentication',
]);

export interface RenderOptions {
  /** Content for a file the kustomization names but the tree lacks (e.g. a git-ignored secrets file). */
  missingFile?: (absPath: string) => string | undefined;
}

export function readKustomization(dir: string): Kustomization {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${dir}/kustomization.yaml: field "${field}" is not supported by the test renderer`);
  }
  return k;
}

function readFileFor(absPath: string, options: RenderOptions): string {
  if (existsSync(absPath)) return readFileSync(absPath, 'utf8');
  const substitute = options.missingFile?.(absPath);
  if (substitute === undefined) throw new Error(`missing file ${absPath}`);
  return substitute;
}

function readManifest(absPath: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(absPath, 'utf8'));
  return (Array.isArray(docs) ? docs : [docs])
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null)
    .map((d) => {
      if (!isK8sObject(d)) throw new Error(`${absPath}: a document is not a Kubernetes object`);
      return d;
    });
}

function generate(dir: string, gen: Generator, kind: 'ConfigMap' | 'Secret', options: RenderOptions): K8sObject {
  if (gen.options?.disableNameSuffixHash !== true) {
    throw new Error(`${gen.name}: the test renderer needs disableNameSuffixHash (it does not rewrite hashed names)`);
  }
  const data: Record<string, string> = {};
  for (const spec of gen.files ?? []) {
    const [key, file] = spec.includes('=') ? spec.split('=', 2) : [basename(spec), spec];
    data[key] = readFileFor(resolve(dir, file), options);
  }
  for (const literal of gen.literals ?? []) {
    const i = literal.indexOf('=');
    data[literal.slice(0, i)] = literal.slice(i + 1);
  }
  for (const envFile of gen.envs ?? []) {
    for (const e of parseEnvFile(readFileFor(resolve(dir, envFile), options))) data[e.key] = e.value;
  }
  const metadata = {
    name: gen.name,
    ...(gen.options?.labels ? { labels: { ...gen.options.labels } } : {}),
    ...(gen.options?.annotations ? { annotations: { ...gen.options.annotations } } : {}),
  };
  if (kind === 'ConfigMap') return { apiVersion: 'v1', kind, metadata, data };
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
  return { apiVersion: 'v1', kind, metadata, type: gen.type ?? 'Opaque', data: encoded };
}

function applyGenerator(objects: K8sObject[], generated: K8sObject, behavior: Generator['behavior']): void {
  const i = objects.findIndex((o) => o.kind === generated.kind && o.metadata.name === generated.metadata.name);
  if ((behavior ?? 'create') === 'create') {
    if (i >= 0) throw new Error(`${generated.kind}/${generated.metadata.name} already exists (use behavior: replace or merge)`);
    objects.push(generated);
    return;
  }
  if (i < 0) throw new Error(`${generated.kind}/${generated.metadata.name}: nothing to ${behavior}`);
  const existing = objects[i];
  const labels = { ...existing.metadata.labels, ...generated.metadata.labels };
  const annotations = { ...existing.metadata.annotations, ...generated.metadata.annotations };
  const metadata = {
    ...existing.metadata,
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  if (behavior === 'replace') {
    objects[i] = { ...generated, metadata };
  } else {
    // merge: stringData of the base is folded into data first, as kustomize does
    const base = existing as K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> };
    const baseData = { ...base.data };
    if (generated.kind === 'Secret') for (const [k, v] of Object.entries(base.stringData ?? {})) baseData[k] = Buffer.from(v).toString('base64');
    else Object.assign(baseData, base.stringData);
    objects[i] = { ...existing, metadata, data: { ...baseData, ...(generated['data'] as object) } };
    delete objects[i]['stringData'];
  }
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function matches(obj: K8sObject, t: PatchTarget): boolean {
  return (
    (t.kind === undefined || t.kind === obj.kind) &&
    (t.name === undefined || t.name === obj.metadata.name) &&
    (t.group === undefined || t.group === groupOf(obj.apiVersion)) &&
    (t.version === undefined || t.version === obj.apiVersion.split('/').pop())
  );
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`bad JSON pointer ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatch(doc: K8sObject, ops: JsonPatchOp[]): void {
  for (const op of ops) {
    const parts = pointer(op.path);
    const last = parts.pop() as string;
    let parent: unknown = doc;
    for (const p of parts) {
      parent = (parent as Record<string, unknown>)?.[p];
      if (parent === undefined) throw new Error(`${op.op} ${op.path}: parent does not exist`);
    }
    const container = parent as Record<string, unknown> | unknown[];
    const has = Array.isArray(container) ? Number(last) < container.length : last in container;
    switch (op.op) {
      case 'add':
        if (Array.isArray(container)) container.splice(last === '-' ? container.length : Number(last), 0, op.value);
        else container[last] = op.value;
        break;
      case 'replace':
        if (!has) throw new Error(`replace ${op.path}: no such field`);
        (container as Record<string, unknown>)[last] = op.value;
        break;
      case 'remove':
        if (!has) throw new Error(`remove ${op.path}: no such field`);
        if (Array.isArray(container)) container.splice(Number(last), 1);
        else delete container[last];
        break;
      case 'test':
        if (JSON.stringify((container as Record<string, unknown>)[last]) !== JSON.stringify(op.value)) throw new Error(`test ${op.path} failed`);
        break;
      default:
        throw new Error(`JSON patch op "${(op as JsonPatchOp).op}" is not supported by the test renderer`);
    }
  }
}

/** A kustomize field path: dots between fields, numeric list indices, `[key=value]` list selectors. */
function fieldPathParts(path: string): string[] {
  return path.match(/\[[^\]]*\]|[^.[\]]+/g) ?? [];
}

function step(node: unknown, part: string, where: string): unknown {
  if (part.startsWith('[')) {
    const [key, value] = part.slice(1, -1).split('=', 2);
    const hit = Array.isArray(node) ? node.find((e) => (e as Record<string, unknown>)?.[key] === value) : undefined;
    if (hit === undefined) throw new Error(`${where}: no list element ${part}`);
    return hit;
  }
  const next = Array.isArray(node) ? node[Number(part)] : (node as Record<string, unknown> | undefined)?.[part];
  if (next === undefined) throw new Error(`${where}: no field ${part}`);
  return next;
}

function applyReplacements(objects: K8sObject[], replacements: Replacement[]): void {
  for (const r of replacements) {
    const source = objects.filter((o) => o.kind === r.source.kind && o.metadata.name === r.source.name);
    if (source.length !== 1) throw new Error(`replacement source ${r.source.kind}/${r.source.name}: ${source.length} matches`);
    const value = fieldPathParts(r.source.fieldPath).reduce<unknown>((n, p) => step(n, p, r.source.fieldPath), source[0]);
    for (const t of r.targets) {
      const targets = objects.filter((o) => matches(o, t.select));
      if (targets.length === 0) throw new Error(`replacement target ${JSON.stringify(t.select)} matches nothing`);
      for (const obj of targets) {
        for (const fp of t.fieldPaths) {
          const parts = fieldPathParts(fp);
          const last = parts.pop() as string;
          const parent = parts.reduce<unknown>((n, p) => step(n, p, fp), obj) as Record<string, unknown>;
          if (!(last in parent)) throw new Error(`replacement target ${fp}: no field ${last}`);
          parent[last] = value;
        }
      }
    }
  }
}

/** The one strategic-merge patch the renderer knows: `$patch: delete` of a whole object. */
interface DeletePatch {
  $patch?: string;
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

function deleteObjects(dir: string, objects: K8sObject[], patch: DeletePatch, target: PatchTarget | undefined): void {
  const keys = Object.keys(patch ?? {}).filter((key) => !['$patch', 'apiVersion', 'kind', 'metadata'].includes(key));
  if (patch?.$patch !== 'delete' || !patch.kind || !patch.metadata?.name || keys.length > 0 || Object.keys(patch.metadata).length > 1)
    throw new Error(`${dir}: only inline JSON 6902 patches and \`$patch: delete\` of a whole object are supported by the test renderer`);
  const doomed = objects.filter(
    (o) =>
      o.kind === patch.kind &&
      o.metadata.name === patch.metadata?.name &&
      (patch.apiVersion === undefined || o.apiVersion === patch.apiVersion) &&
      (target === undefined || matches(o, target)),
  );
  if (doomed.length === 0) throw new Error(`${dir}: $patch: delete of ${patch.kind}/${patch.metadata.name} matches nothing`);
  for (const o of doomed) objects.splice(objects.indexOf(o), 1);
}

/** Containers of every pod template, the only place images live in deploy/. */
export function podContainers(obj: K8sObject): Array<Record<string, unknown>> {
  const spec = (obj as { spec?: { template?: { spec?: { containers?: unknown[]; initContainers?: unknown[] } } } }).spec?.template?.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])] as Array<Record<string, unknown>>;
}

function applyImages(objects: K8sObject[], rules: ImageRule[]): void {
  for (const obj of objects) {
    for (const c of podContainers(obj)) {
      const image = String(c['image']);
      const name = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
      const rule = rules.find((r) => r.name === name);
      if (!rule) continue;
      const tag = image.slice(name.length);
      c['image'] = `${rule.newName ?? name}${rule.newTag !== undefined ? `:${rule.newTag}` : tag}`;
    }
  }
}

/** Renders the kustomization in `dir` into the objects `kubectl apply -k dir` would apply. */
export function renderKustomization(dir: string, options: RenderOptions = {}): K8sObject[] {
  const k = readKustomization(dir);
  const objects: K8sObject[] = [];
  for (const res of k.resources ?? []) {
    const abs = resolve(dir, res);
    if (statSync(abs).isDirectory()) objects.push(...renderKustomization(abs, options));
    else objects.push(...readManifest(abs));
  }
  for (const gen of k.configMapGenerator ?? []) applyGenerator(objects, generate(dir, gen, 'ConfigMap', options), gen.behavior);
  for (const gen of k.secretGenerator ?? []) applyGenerator(objects, generate(dir, gen, 'Secret', options), gen.behavior);
  for (const p of k.patches ?? []) {
    const ops = parse(p.patch) as JsonPatchOp[] | DeletePatch;
    if (!Array.isArray(ops)) {
      deleteObjects(dir, objects, ops, p.target);
      continue;
    }
    if (!p.target) throw new Error(`${dir}: a JSON 6902 patch needs a target`);
    const target = p.target;
    const targets = objects.filter((o) => matches(o, target));
    if (targets.length === 0) throw new Error(`${dir}: patch target ${JSON.stringify(p.target)} matches nothing`);
    for (const t of targets) applyJsonPatch(t, ops);
  }
  if (k.images) applyImages(objects, k.images);
  if (k.replacements) applyReplacements(objects, k.replacements);
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return objects;
}

/** Repo-relative files a kustomization reads: resources, generator files and env files. */
export function referencedFiles(dir: string): string[] {
  const k = readKustomization(dir);
  const gens = [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])];
  return [
    ...(k.resources ?? []),
    ...gens.flatMap((g) => (g.files ?? []).map((f) => (f.includes('=') ? f.split('=', 2)[1] : f))),
    ...gens.flatMap((g) => g.envs ?? []),
  ].map((f) => resolve(dir, f));
}
