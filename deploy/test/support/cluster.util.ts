/** Lookups over a rendered set of objects, for cross-reference checks. */
import { K8sObject } from './k8s.type';
import { podContainers } from './kustomize.util';

export type Labels = Record<string, string>;

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

export function get(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = find(objects, kind, name);
  if (!found) throw new Error(`${kind}/${name} not found`);
  return found;
}

export function selects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function podLabels(deployment: K8sObject): Labels {
  return (deployment['spec'] as { template: { metadata: { labels: Labels } } }).template.metadata.labels;
}

export function podSpec(deployment: K8sObject): Record<string, unknown> {
  return (deployment['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export function containerPorts(deployment: K8sObject): ContainerPort[] {
  return podContainers(deployment).flatMap((c) => (c['ports'] as ContainerPort[] | undefined) ?? []);
}

/** Keys of a Secret or ConfigMap, from data and stringData alike. */
export function dataKeys(obj: K8sObject): string[] {
  return [...Object.keys((obj['data'] as object) ?? {}), ...Object.keys((obj['stringData'] as object) ?? {})];
}

/** Values of a Secret or ConfigMap as plain strings (Secret data is base64). */
export function dataValues(obj: K8sObject): Record<string, string> {
  const data = (obj['data'] as Record<string, string>) ?? {};
  const decoded =
    obj.kind === 'Secret'
      ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v.replace(/\s+/g, ''), 'base64').toString('utf8')]))
      : { ...data };
  return { ...decoded, ...((obj['stringData'] as Record<string, string>) ?? {}) };
}
