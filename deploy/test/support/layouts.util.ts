/** The storage layouts deploy/ ships, rendered: the apps and their long-lived cluster/ part. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sObject } from './k8s.type';
import { renderKustomization } from './kustomize.util';
import { DEPLOY_DIR } from './repo.util';

export type StorageLayout = 's3' | 'shared-folder';

export interface Layout {
  /** The app kustomization, relative to deploy/. */
  dir: string;
  storage: StorageLayout;
  apps: K8sObject[];
  cluster: K8sObject[];
}

/** The overlay's secret files are git-ignored; their committed *.example templates stand in. */
export const fromExample = (abs: string): string | undefined => (existsSync(`${abs}.example`) ? readFileSync(`${abs}.example`, 'utf8') : undefined);

function layout(dir: string, clusterDir: string, storage: StorageLayout): Layout {
  return {
    dir,
    storage,
    apps: renderKustomization(join(DEPLOY_DIR, dir), { missingFile: fromExample }),
    cluster: renderKustomization(join(DEPLOY_DIR, clusterDir)),
  };
}

/** base (the S3 layout), the example overlay on it, and the shared-folder overlay. */
export const LAYOUTS: Layout[] = [
  layout('base', 'cluster', 's3'),
  layout('overlays/example', 'overlays/example/cluster', 's3'),
  layout('overlays/shared-folder', 'overlays/shared-folder/cluster', 'shared-folder'),
];

const UNITS: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes quantity of bytes ("8Gi", "256Mi", "500M") as a number of bytes. */
export function quantityBytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) throw new Error(`not a byte quantity: ${q}`);
  return Number(m[1]) * UNITS[m[2] ?? ''];
}
