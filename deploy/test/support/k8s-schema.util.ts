/**
 * Validates Kubernetes objects against the published OpenAPI schemas that kubernetes-models ships
 * as compiled validators: core kinds (Kubernetes 1.3x), KEDA CRDs and prometheus-operator CRDs.
 *
 * Those validators check types, enums and required fields but, like the API server's schemas,
 * accept fields they do not know. A typo ("readinessProbes") would pass, so `validateObject` also
 * reports unknown fields: it runs the validator over a proxy that records which properties the
 * schema looked at. A property the schema never read (on an object it did not enumerate as a
 * map) is not in the schema.
 */
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as policy from 'kubernetes-models/policy/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as monitoring from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { K8sObject } from './k8s.type';

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(this: unknown): void };
}

const GROUP_VERSIONS: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'policy/v1': policy,
  'networking.k8s.io/v1': networking,
  'keda.sh/v1alpha1': keda,
  'monitoring.coreos.com/v1': monitoring,
};

export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const candidate: unknown = GROUP_VERSIONS[apiVersion]?.[kind];
  if (typeof candidate !== 'function') return undefined;
  const model = candidate as unknown as ModelClass;
  return model.apiVersion === apiVersion && model.kind === kind ? model : undefined;
}

interface Visit {
  read: Set<string>;
  enumerated: boolean;
}

/** Wraps `root` so every property read and every key enumeration is recorded per object. */
function recordReads(root: object): { proxy: object; visits: WeakMap<object, Visit> } {
  const visits = new WeakMap<object, Visit>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const cached = proxies.get(value);
    if (cached) return cached;
    const visit: Visit = { read: new Set(), enumerated: false };
    visits.set(value, visit);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === 'string') visit.read.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === 'string') visit.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        visit.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root) as object, visits };
}

function unknownFields(root: unknown, visits: WeakMap<object, Visit>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}/${i}`));
      return;
    }
    const visit = visits.get(value);
    for (const [key, child] of Object.entries(value)) {
      // an unknown field is reported once, not again for everything below it
      if (!visit) found.push(`${path}/${key} (object never validated)`);
      else if (!visit.enumerated && !visit.read.has(key)) found.push(`${path}/${key}`);
      else walk(child, `${path}/${key}`);
    }
  };
  walk(root, '');
  return found;
}

export interface SchemaReport {
  /** No model is known for this apiVersion and kind. */
  unsupported: boolean;
  /** Schema violations: wrong types, missing required fields, bad enum values. */
  errors: string[];
  /** Fields the schema does not define (JSON pointers). */
  unknownFields: string[];
}

export function validateObject(obj: K8sObject): SchemaReport {
  const model = modelFor(obj.apiVersion, obj.kind);
  if (!model) return { unsupported: true, errors: [], unknownFields: [] };
  // a plain JSON copy: the validators expect JSON data, and the original stays untouched
  const data = JSON.parse(JSON.stringify(obj)) as object;
  const { proxy, visits } = recordReads(data);
  const errors: string[] = [];
  try {
    model.prototype.validate.call(proxy);
  } catch (err) {
    errors.push((err as Error).message);
  }
  return { unsupported: false, errors, unknownFields: unknownFields(data, visits) };
}
