/**
 * Every Kubernetes manifest in deploy/ parses and validates against the published schemas
 * (Kubernetes core kinds, KEDA and prometheus-operator CRDs), with no unknown fields.
 */
import { validateObject } from './support/k8s-schema.util';
import { K8sObject, isK8sObject, objectId } from './support/k8s.type';
import { listRepoFiles, readYamlDocuments } from './support/repo.util';

// deploy/prometheus/ holds Prometheus' own files (rules, rule tests), not Kubernetes objects
const manifestFiles = listRepoFiles('deploy', (name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml').filter(
  (f) => !f.startsWith('deploy/prometheus/'),
);

describe('schema validator', () => {
  // Guards the guard: a green run below only means something if these fail.
  const deployment: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'probe' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
  };

  it('accepts a minimal valid Deployment', () => {
    expect(validateObject(deployment)).toEqual({ unsupported: false, errors: [], unknownFields: [] });
  });

  it('reports a missing required field and a wrong type', () => {
    const broken = JSON.parse(JSON.stringify(deployment));
    delete broken.spec.template.spec.containers[0].name;
    broken.spec.replicas = 'two';
    const report = validateObject(broken);
    expect(report.errors.join()).toMatch(/containers\/0 must have required property name/);
    expect(report.errors.join()).toMatch(/spec\/replicas must be integer/);
  });

  it('reports a misspelt field and leaves maps (labels, trigger metadata) alone', () => {
    const typo = JSON.parse(JSON.stringify(deployment));
    typo.spec.template.spec.containers[0].readinessProbes = { httpGet: { path: '/', port: 80 } };
    expect(validateObject(typo).unknownFields).toEqual(['/spec/template/spec/containers/0/readinessProbes']);
    const scaled = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'probe', labels: { any: 'label' } },
      spec: { scaleTargetRef: { name: 'x' }, triggers: [{ type: 'rabbitmq', metadata: { anything: 'goes' }, authRef: { name: 'typo' } }] },
    };
    expect(validateObject(scaled).unknownFields).toEqual(['/spec/triggers/0/authRef']);
  });

  it('knows KEDA and prometheus-operator kinds but not made-up ones', () => {
    expect(validateObject({ apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'a' }, spec: {} }).unsupported).toBe(false);
    expect(
      validateObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'a' }, spec: { selector: {}, endpoints: [] } })
        .unsupported,
    ).toBe(false);
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a' } }).unsupported).toBe(true);
  });
});

describe('manifests in deploy/', () => {
  it('exist', () => {
    expect(manifestFiles.length).toBeGreaterThan(15);
  });

  describe.each(manifestFiles)('%s', (file) => {
    const docs = readYamlDocuments(file);

    it('holds only Kubernetes objects', () => {
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) expect(isK8sObject(doc)).toBe(true);
    });

    it('validates against the published schema of each kind, with no unknown fields', () => {
      const problems = (docs as K8sObject[]).flatMap((obj) => {
        const report = validateObject(obj);
        if (report.unsupported) return [`${objectId(obj)}: no schema for ${obj.apiVersion} ${obj.kind}`];
        return [...report.errors.map((e) => `${objectId(obj)}: ${e}`), ...report.unknownFields.map((f) => `${objectId(obj)}: unknown field ${f}`)];
      });
      expect(problems).toEqual([]);
    });

    it('leaves the namespace to kustomize', () => {
      for (const obj of docs as K8sObject[]) expect(obj.metadata.namespace).toBeUndefined();
    });
  });
});
