/**
 * The kustomizations build, reference only files that exist, leave no manifest out, and what they
 * build hangs together: every name a resource points at exists, selectors select, ports match.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { containerPorts, dataKeys, dataValues, find, get, ofKind, podLabels, podSpec, selects } from './support/cluster.util';
import { validateObject } from './support/k8s-schema.util';
import { K8sObject, objectId } from './support/k8s.type';
import { podContainers, referencedFiles, renderKustomization } from './support/kustomize.util';
import { LAYOUTS, fromExample } from './support/layouts.util';
import { DEPLOY_DIR, listRepoFiles, readRepoFile } from './support/repo.util';

const BASE = join(DEPLOY_DIR, 'base');
const OVERLAY = join(DEPLOY_DIR, 'overlays/example');
const CLUSTER = join(DEPLOY_DIR, 'cluster');
const OVERLAY_CLUSTER = join(OVERLAY, 'cluster');
const SHARED = join(DEPLOY_DIR, 'overlays/shared-folder');
const SHARED_CLUSTER = join(SHARED, 'cluster');
const KUSTOMIZATIONS = [BASE, join(DEPLOY_DIR, 'grafana'), OVERLAY, CLUSTER, OVERLAY_CLUSTER, SHARED, SHARED_CLUSTER];

const byDir = (dir: string) => {
  const layout = LAYOUTS.find((l) => l.dir === dir);
  if (!layout) throw new Error(`no layout ${dir}`);
  return layout;
};
const base = byDir('base').apps;
const overlay = byDir('overlays/example').apps;
const cluster = byDir('base').cluster;
const overlayCluster = byDir('overlays/example').cluster;
const shared = byDir('overlays/shared-folder').apps;
const sharedCluster = byDir('overlays/shared-folder').cluster;

describe.each(KUSTOMIZATIONS.map((d) => relative(DEPLOY_DIR, d)))('kustomization %s', (dir) => {
  const abs = join(DEPLOY_DIR, dir);

  it('names only files that exist (git-ignored secrets have a committed .example)', () => {
    const missing = referencedFiles(abs).filter((f) => !existsSync(f) && !existsSync(`${f}.example`));
    expect(missing).toEqual([]);
  });

  it('keeps every manifest of its folder in resources', () => {
    const listed = new Set(referencedFiles(abs));
    // a sub-folder with its own kustomization (overlays/example/cluster) is a kustomization of its own
    const own = (f: string) => !KUSTOMIZATIONS.some((k) => k !== abs && k.startsWith(`${abs}/`) && f.startsWith(`${k}/`));
    const manifests = listRepoFiles(`deploy/${dir}`, (n) => /\.ya?ml$/.test(n) && n !== 'kustomization.yaml')
      .map((f) => join(DEPLOY_DIR, '..', f))
      .filter(own);
    expect(manifests.filter((f) => !listed.has(f))).toEqual([]);
  });

  it('git-ignores the secret files it reads', () => {
    const ignored = existsSync(join(abs, '.gitignore')) ? readFileSync(join(abs, '.gitignore'), 'utf8').split('\n') : [];
    const secretFiles = referencedFiles(abs).filter((f) => !existsSync(f));
    for (const f of secretFiles) expect(ignored).toContain(relative(abs, f));
  });
});

describe.each(LAYOUTS.map((l) => [l.dir, l.apps, l.cluster, l.storage] as const))('rendered %s', (_name, objects, clusterObjects, storage) => {
  it('has the expected objects', () => {
    const count = (kind: string) => ofKind(objects, kind).length;
    // the S3 layout adds media-store-egress (the bucket's endpoint)
    expect(count('NetworkPolicy')).toBe(storage === 's3' ? 6 : 5);
    expect(count('Deployment')).toBe(3);
    expect(count('Service')).toBe(3);
    expect(count('PodDisruptionBudget')).toBe(3);
    expect(count('HorizontalPodAutoscaler')).toBe(1);
    expect(count('ScaledObject')).toBe(2);
    expect(count('TriggerAuthentication')).toBe(1);
    expect(count('ServiceMonitor')).toBeGreaterThanOrEqual(3);
    expect(find(objects, 'ConfigMap', 'mda-config')).toBeDefined();
    expect(find(objects, 'ConfigMap', 'mda-grafana-dashboard')).toBeDefined();
    expect(find(objects, 'Secret', 'mda-secrets')).toBeDefined();
    expect(find(objects, 'Secret', 'mda-keda-rabbitmq')).toBeDefined();
  });

  it('has no two objects of one kind and name', () => {
    const ids = objects.map(objectId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('leaves the Namespace and any media claim out, so `kubectl delete -k` of the apps keeps them', () => {
    expect(ofKind(objects, 'Namespace')).toEqual([]);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(ofKind(clusterObjects, 'Namespace')).toHaveLength(1);
  });

  it(`has a media claim in its cluster part only in the shared-folder layout (${storage})`, () => {
    const claims = ofKind(clusterObjects, 'PersistentVolumeClaim').map(objectId);
    expect(claims).toEqual(storage === 'shared-folder' ? ['PersistentVolumeClaim/mda-media'] : []);
    expect(clusterObjects).toHaveLength(1 + claims.length);
  });

  it('puts every namespaced object in the Namespace its cluster kustomization creates', () => {
    const ns = ofKind(clusterObjects, 'Namespace')[0].metadata.name;
    for (const o of [...objects, ...clusterObjects].filter((x) => x.kind !== 'Namespace'))
      expect(`${objectId(o)} in ${o.metadata.namespace}`).toBe(`${objectId(o)} in ${ns}`);
  });

  it('validates every object, generated ones included, against its schema', () => {
    const problems = [...objects, ...clusterObjects].flatMap((o) => {
      const r = validateObject(o);
      return r.unsupported
        ? [`${objectId(o)}: no schema`]
        : [...r.errors, ...r.unknownFields.map((f) => `unknown field ${f}`)].map((p) => `${objectId(o)}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('points envFrom, volumes and probes of each Deployment at things that exist', () => {
    for (const d of ofKind(objects, 'Deployment')) {
      for (const c of podContainers(d)) {
        for (const from of (c['envFrom'] as Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>) ?? []) {
          if (from.configMapRef) expect(find(objects, 'ConfigMap', from.configMapRef.name)).toBeDefined();
          if (from.secretRef) expect(find(objects, 'Secret', from.secretRef.name)).toBeDefined();
        }
        const portNames = containerPorts(d).map((p) => p.name);
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const port = (c[probe] as { httpGet?: { port: string | number } } | undefined)?.httpGet?.port;
          if (typeof port === 'string') expect(portNames).toContain(port);
        }
      }
      for (const v of (podSpec(d)['volumes'] as Array<{ persistentVolumeClaim?: { claimName: string } }>) ?? []) {
        if (v.persistentVolumeClaim) expect(find(clusterObjects, 'PersistentVolumeClaim', v.persistentVolumeClaim.claimName)).toBeDefined();
      }
    }
  });

  it('gives each Service a Deployment it selects, with the named target ports', () => {
    for (const svc of ofKind(objects, 'Service')) {
      const spec = svc['spec'] as { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string | number }> };
      const targets = ofKind(objects, 'Deployment').filter((d) => selects(spec.selector, podLabels(d)));
      expect(targets.map(objectId)).toHaveLength(1);
      const names = containerPorts(targets[0]).map((p) => p.name);
      for (const p of spec.ports) if (typeof p.targetPort === 'string') expect(names).toContain(p.targetPort);
    }
  });

  it('has each PodDisruptionBudget select exactly one Deployment', () => {
    for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
      const selector = (pdb['spec'] as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      expect(
        ofKind(objects, 'Deployment')
          .filter((d) => selects(selector, podLabels(d)))
          .map(objectId),
      ).toEqual([`Deployment/${pdb.metadata.name}`]);
    }
  });

  it('scales Deployments that exist, with a TriggerAuthentication whose secret key exists', () => {
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler')[0]['spec'] as { scaleTargetRef: { kind: string; name: string } };
    expect(find(objects, hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name)).toBeDefined();
    for (const so of ofKind(objects, 'ScaledObject')) {
      const spec = so['spec'] as { scaleTargetRef: { name: string }; triggers: Array<{ authenticationRef?: { name: string } }> };
      expect(find(objects, 'Deployment', spec.scaleTargetRef.name)).toBeDefined();
      for (const t of spec.triggers) expect(find(objects, 'TriggerAuthentication', String(t.authenticationRef?.name))).toBeDefined();
    }
    for (const ta of ofKind(objects, 'TriggerAuthentication')) {
      for (const ref of (ta['spec'] as { secretTargetRef: Array<{ name: string; key: string }> }).secretTargetRef) {
        expect(dataKeys(get(objects, 'Secret', ref.name))).toContain(ref.key);
      }
    }
  });

  it('has each app ServiceMonitor select one Service and scrape a port that Service names', () => {
    for (const sm of ofKind(objects, 'ServiceMonitor').filter((s) => !(s['spec'] as { namespaceSelector?: unknown }).namespaceSelector)) {
      const spec = sm['spec'] as { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string }> };
      const services = ofKind(objects, 'Service').filter((s) => selects(spec.selector.matchLabels, s.metadata.labels));
      expect(services.map(objectId)).toHaveLength(1);
      const portNames = (services[0]['spec'] as { ports: Array<{ name: string }> }).ports.map((p) => p.name);
      for (const e of spec.endpoints) expect(portNames).toContain(e.port);
    }
  });
});

describe('overlays/example', () => {
  it('pulls every image from its registry with a pinned tag', () => {
    for (const d of ofKind(overlay, 'Deployment')) {
      for (const c of podContainers(d)) expect(c['image']).toBe(`registry.example.com/media-download-api/${d.metadata.name}:0.1.0`);
    }
  });

  it('replaces the placeholder secrets with the same keys, from git-ignored files', () => {
    for (const name of ['mda-secrets', 'mda-keda-rabbitmq']) {
      expect(dataKeys(get(overlay, 'Secret', name)).sort()).toEqual(dataKeys(get(base, 'Secret', name)).sort());
      expect(get(overlay, 'Secret', name)['stringData']).toBeUndefined();
    }
    expect(dataValues(get(overlay, 'Secret', 'mda-secrets'))['DATABASE_URL']).toMatch(/^postgres:\/\//);
  });

  it('sets the public URL, the bucket and the Prometheus release label', () => {
    const config = dataValues(get(overlay, 'ConfigMap', 'mda-config'));
    expect(config['PUBLIC_BASE_URL']).toMatch(/^https:\/\//);
    expect(config['STORAGE_BACKEND']).toBe('s3');
    expect(config['S3_BUCKET']).toBeTruthy();
    expect(ofKind(overlayCluster, 'PersistentVolumeClaim')).toEqual([]);
    for (const sm of ofKind(overlay, 'ServiceMonitor')) expect(sm.metadata.labels?.['release']).toBe('kube-prometheus-stack');
  });

  it('renders the shared-folder layout when its resources name ../shared-folder instead of ../../base (as deploy/README.md says)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mda-kustomize-'));
    try {
      cpSync(DEPLOY_DIR, join(tmp, 'deploy'), { recursive: true });
      const file = join(tmp, 'deploy/overlays/example/kustomization.yaml');
      const text = readFileSync(file, 'utf8');
      expect(text.match(/^ {2}- \.\.\/\.\.\/base$/gm)).toHaveLength(1);
      writeFileSync(file, text.replace(/^ {2}- \.\.\/\.\.\/base$/m, '  - ../shared-folder'));
      const objects = renderKustomization(join(tmp, 'deploy/overlays/example'), { missingFile: fromExample });
      const config = dataValues(get(objects, 'ConfigMap', 'mda-config'));
      expect(config['STORAGE_BACKEND']).toBe('local');
      expect(config['WORKER_CONCURRENCY']).toBe(dataValues(get(overlay, 'ConfigMap', 'mda-config'))['WORKER_CONCURRENCY']);
      expect(find(objects, 'NetworkPolicy', 'media-store-egress')).toBeUndefined();
      for (const name of ['gateway', 'downloader-worker']) {
        const claims = ((podSpec(get(objects, 'Deployment', name))['volumes'] as Array<{ persistentVolumeClaim?: { claimName: string } }>) ?? [])
          .map((v) => v.persistentVolumeClaim?.claimName)
          .filter(Boolean);
        expect(`${name}: ${claims.join()}`).toBe(`${name}: mda-media`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('derives the KEDA targets from the concurrency it sets, after its own ConfigMap patch', () => {
    const config = dataValues(get(overlay, 'ConfigMap', 'mda-config'));
    const value = (name: string) =>
      (get(overlay, 'ScaledObject', name)['spec'] as { triggers: Array<{ metadata: Record<string, string> }> }).triggers[0].metadata['value'];
    expect(config['WORKER_CONCURRENCY']).not.toBe(dataValues(get(base, 'ConfigMap', 'mda-config'))['WORKER_CONCURRENCY']);
    expect(value('downloader-worker')).toBe(config['WORKER_CONCURRENCY']);
    expect(value('webhook-sender')).toBe(config['WEBHOOK_CONCURRENCY']);
  });

  it('routes its Ingress host to the gateway Service port', () => {
    const ingress = get(overlay, 'Ingress', 'gateway')['spec'] as {
      rules: Array<{ host: string; http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> } }>;
    };
    const backend = ingress.rules[0].http.paths[0].backend.service;
    const svc = get(overlay, 'Service', backend.name)['spec'] as { ports: Array<{ name: string }> };
    expect(svc.ports.map((p) => p.name)).toContain(backend.port.name);
    expect(`https://${ingress.rules[0].host}`).toBe(dataValues(get(overlay, 'ConfigMap', 'mda-config'))['PUBLIC_BASE_URL']);
  });
});

// kubectl ships with this kind of machine (google-cloud-sdk); the comparison always runs
describe('kubectl kustomize', () => {
  const itWithKubectl = it;

  /** Secret data comes back base64 in folded lines; compare decoded. */
  const normalise = (o: K8sObject): unknown =>
    o.kind === 'Secret' ? { ...o, data: dataValues({ ...o, stringData: undefined } as K8sObject), stringData: o['stringData'] } : o;
  const byId = (objects: K8sObject[]) => Object.fromEntries(objects.map((o) => [objectId(o), JSON.parse(JSON.stringify(normalise(o)))]));

  function kubectlKustomize(dir: string): K8sObject[] {
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
  }

  itWithKubectl('builds base exactly as the test renderer does', () => {
    expect(byId(kubectlKustomize(BASE))).toEqual(byId(base));
  });

  itWithKubectl('builds cluster, overlays/example/cluster and overlays/shared-folder/cluster exactly as the test renderer does', () => {
    expect(byId(kubectlKustomize(CLUSTER))).toEqual(byId(cluster));
    expect(byId(kubectlKustomize(OVERLAY_CLUSTER))).toEqual(byId(overlayCluster));
    expect(byId(kubectlKustomize(SHARED_CLUSTER))).toEqual(byId(sharedCluster));
  });

  itWithKubectl('builds overlays/shared-folder (JSON patches and a $patch: delete) exactly as the test renderer does', () => {
    expect(byId(kubectlKustomize(SHARED))).toEqual(byId(shared));
  });

  itWithKubectl('builds overlays/example exactly as the test renderer does', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mda-kustomize-'));
    try {
      cpSync(DEPLOY_DIR, join(tmp, 'deploy'), { recursive: true });
      const dir = join(tmp, 'deploy/overlays/example');
      for (const f of ['secrets.env', 'keda-rabbitmq.env']) writeFileSync(join(dir, f), readRepoFile(`deploy/overlays/example/${f}.example`));
      expect(byId(kubectlKustomize(dir))).toEqual(byId(overlay));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
