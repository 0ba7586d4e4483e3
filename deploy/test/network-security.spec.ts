/**
 * Who may talk to whom (NetworkPolicies) and Pod Security "restricted" on the namespace, checked
 * on the rendered kustomizations of each storage layout (base and the example overlay: S3;
 * overlays/shared-folder) and their cluster parts.
 */
import { find, get, ofKind, podLabels, podSpec } from './support/cluster.util';
import { K8sObject } from './support/k8s.type';
import { podContainers } from './support/kustomize.util';
import { LAYOUTS } from './support/layouts.util';
import { APPS } from './support/repo.util';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Array<{ protocol: string; port: number }>;
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** The selector semantics of Kubernetes for matchLabels and In/NotIn/Exists (an empty selector selects all). */
function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpr = (sel.matchExpressions ?? []).every((e) => {
    if (e.operator === 'In') return e.values?.includes(labels[e.key]) ?? false;
    if (e.operator === 'NotIn') return !(e.values?.includes(labels[e.key]) ?? false);
    if (e.operator === 'Exists') return e.key in labels;
    throw new Error(`operator ${e.operator}`);
  });
  return byLabel && byExpr;
}

const toNamespace = (rules: Rule[], ns: string) =>
  rules
    .filter((r) => (r.to ?? []).some((p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns))
    .flatMap((r) => (r.ports ?? []).map((p) => p.port));

/** Whether an IPv4 address falls in a CIDR (enough for the checks below). */
function inCidr(ip: string, cidr: string): boolean {
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const [net, bits] = cidr.split('/');
  if (net.includes(':') || ip.includes(':')) return false;
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(ip) & mask) >>> 0 === (toInt(net) & mask) >>> 0;
}
/** Whether some egress ipBlock lets the address through (on `port`, or on some port when unset). */
const reachable = (rules: Rule[], ip: string, port?: number) =>
  rules.some(
    (r) =>
      (port === undefined || !r.ports?.length || r.ports.some((p) => p.port === port)) &&
      (r.to ?? []).some((p) => p.ipBlock && inCidr(ip, p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some((e) => inCidr(ip, e))),
  );

/** Public addresses (AWS S3, a CDN, DNS resolvers) and the ports a bucket or anything else may listen on. */
const PUBLIC = ['93.184.216.34', '8.8.8.8', '1.1.1.1', '52.216.0.1'];
const PRIVATE = ['10.96.0.1', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.10', '127.0.0.1'];

describe.each(LAYOUTS.map((l) => [l.dir, l.storage, l] as const))('NetworkPolicies of %s (%s layout)', (_dir, storage, { apps: objects }) => {
  const policies = ofKind(objects, 'NetworkPolicy').map((p) => ({ name: p.metadata.name, spec: p['spec'] as PolicySpec }));
  const policiesOf = (app: string, type: 'Ingress' | 'Egress') =>
    policies.filter((p) => p.spec.policyTypes.includes(type) && selectorMatches(p.spec.podSelector, podLabels(get(objects, 'Deployment', app))));
  const egressRules = (app: string): Rule[] => policiesOf(app, 'Egress').flatMap((p) => p.spec.egress ?? []);
  const ingressRules = (app: string): Rule[] => policiesOf(app, 'Ingress').flatMap((p) => p.spec.ingress ?? []);

  it('deny everything to and from every pod unless allowed', () => {
    const deny = policies.find((p) => p.name === 'default-deny');
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it.each(APPS)('let %s resolve names and reach the broker and the database, nothing else in the cluster', (app) => {
    const rules = egressRules(app);
    const dns = rules.filter((r) => (r.to ?? []).some((p) => p.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns'));
    expect(dns.flatMap((r) => r.ports ?? [])).toEqual(
      expect.arrayContaining([
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ]),
    );
    expect(toNamespace(rules, 'rabbitmq')).toEqual([5672]);
    expect(toNamespace(rules, 'postgres')).toEqual([5432]);
    for (const ip of PRIVATE) expect(`${app} → ${ip}: ${reachable(rules, ip)}`).toBe(`${app} → ${ip}: false`);
  });

  it.each(['downloader-worker', 'webhook-sender'])('let %s reach the public internet', (app) => {
    for (const ip of PUBLIC) for (const port of [80, 443, 8443]) expect(`${ip}:${port} ${reachable(egressRules(app), ip, port)}`).toBe(`${ip}:${port} true`);
  });

  if (storage === 's3') {
    it('let the gateway reach a public S3 endpoint over HTTPS (443) and nothing else outside', () => {
      const rules = egressRules('gateway');
      for (const ip of PUBLIC) {
        expect(`${ip}:443 ${reachable(rules, ip, 443)}`).toBe(`${ip}:443 true`);
        for (const port of [80, 25, 5432, 9000]) expect(`${ip}:${port} ${reachable(rules, ip, port)}`).toBe(`${ip}:${port} false`);
      }
    });

    it('open the bucket endpoint (media-store-egress) to the gateway and the worker, the apps that call the bucket', () => {
      const selected = APPS.filter((app) => policiesOf(app, 'Egress').some((p) => p.name === 'media-store-egress'));
      expect(selected).toEqual(['gateway', 'downloader-worker']);
    });
  } else {
    it('give the gateway no internet egress (it only resolves names for its checks)', () => {
      for (const ip of PUBLIC) expect(reachable(egressRules('gateway'), ip)).toBe(false);
      expect(policies.map((p) => p.name)).not.toContain('media-store-egress');
    });
  }

  it('open the gateway port to anyone, and nothing else of the gateway', () => {
    const rules = ingressRules('gateway');
    const port = (get(objects, 'Deployment', 'gateway')['spec'] as { template: { spec: { containers: Array<{ ports: Array<{ containerPort: number }> }> } } })
      .template.spec.containers[0].ports[0].containerPort;
    expect(rules).toEqual([{ ports: [{ protocol: 'TCP', port }] }]);
  });

  it.each(['downloader-worker', 'webhook-sender'])('let only the monitoring namespace scrape %s', (app) => {
    const rules = ingressRules(app);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    const metricsPort = (podContainers(get(objects, 'Deployment', app))[0]['ports'] as Array<{ containerPort: number }>)[0].containerPort;
    expect(rules.flatMap((r) => r.ports ?? []).map((p) => p.port)).toContain(metricsPort);
  });
});

describe.each(LAYOUTS.map((l) => [l.dir, l] as const))('Pod Security of %s', (_dir, { apps: objects, cluster }) => {
  const ns = ofKind(cluster, 'Namespace')[0];

  it('enforces, audits and warns the restricted profile on the namespace', () => {
    for (const mode of ['enforce', 'audit', 'warn']) expect(ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
  });

  it.each(APPS)('%s satisfies restricted: non-root, seccomp RuntimeDefault, no escalation, all capabilities dropped, no host access', (app) => {
    const d: K8sObject = get(objects, 'Deployment', app);
    const pod = podSpec(d);
    const podSc = pod['securityContext'] as { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[key]).toBeFalsy();
    for (const v of (pod['volumes'] as Array<Record<string, unknown>>) ?? []) expect(v['hostPath']).toBeUndefined();
    for (const c of podContainers(d)) {
      const sc = c['securityContext'] as {
        runAsNonRoot?: boolean;
        allowPrivilegeEscalation?: boolean;
        privileged?: boolean;
        capabilities?: { drop?: string[]; add?: string[] };
        seccompProfile?: { type: string };
      };
      expect(sc.runAsNonRoot ?? podSc.runAsNonRoot).toBe(true);
      expect((sc.seccompProfile ?? podSc.seccompProfile)?.type).toBe('RuntimeDefault');
      expect(sc.allowPrivilegeEscalation).toBe(false);
      expect(sc.privileged).toBeFalsy();
      expect(sc.capabilities?.drop).toEqual(['ALL']);
      expect(sc.capabilities?.add).toBeUndefined();
      expect(c['ports'] as Array<{ hostPort?: number }>).not.toContainEqual(expect.objectContaining({ hostPort: expect.anything() }));
    }
  });

  it('has a Namespace the apps are put in', () => {
    expect(find(cluster, 'Namespace', String(objects[0].metadata.namespace))).toBeDefined();
  });
});
