/**
 * What each app's Kubernetes workload promises: probes on the real health endpoints and ports,
 * non-root, resources, shutdown time, where media live in each storage layout (a bucket with a
 * size-limited scratch emptyDir, or one shared claim), and autoscaling on the real queues.
 */
import { join } from 'node:path';
import { ConfigError, loadMediaStoreConfig } from '@mda/config';
import { MAX_RETRY_TIERS, QUEUES, TOPOLOGY, retryTierQueue } from '@mda/contracts';
import { containerPorts, dataValues, get, ofKind, podSpec } from './support/cluster.util';
import { K8sObject } from './support/k8s.type';
import { podContainers, renderKustomization } from './support/kustomize.util';
import { LAYOUTS, quantityBytes } from './support/layouts.util';
import { APPS, AppName, DEPLOY_DIR, listRepoFiles, readRepoFile } from './support/repo.util';

const objects = renderKustomization(join(DEPLOY_DIR, 'base'));
const config = dataValues(get(objects, 'ConfigMap', 'mda-config'));

/** Where each app serves /health/* and /metrics (gateway: PORT; the others: METRICS_PORT). */
const HEALTH_PORT: Record<AppName, number> = { gateway: Number(config['PORT']), 'downloader-worker': 9464, 'webhook-sender': 9465 };

interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

const container = (d: K8sObject): Container => podContainers(d)[0] as unknown as Container;
const envOf = (d: K8sObject): Record<string, string> => ({ ...config, ...Object.fromEntries((container(d).env ?? []).map((e) => [e.name, e.value ?? ''])) });
const portNumber = (d: K8sObject, port: string | number): number =>
  typeof port === 'number' ? port : Number(containerPorts(d).find((p) => p.name === port)?.containerPort);

/** Source files of one app plus the shared libs, to check the paths the probes use are served. */
function sourcesOf(app: AppName): string {
  return [...listRepoFiles(`apps/${app}/src`, (n) => n.endsWith('.ts')), ...listRepoFiles('libs/observability/src', (n) => n.endsWith('.ts'))]
    .filter((f) => !f.endsWith('.spec.ts'))
    .map(readRepoFile)
    .join('\n');
}

describe.each(APPS)('%s Deployment', (app) => {
  const d = get(objects, 'Deployment', app);
  const c = container(d);
  const env = envOf(d);

  it('runs its own image', () => {
    expect(c.image).toMatch(new RegExp(`^media-download-api/${app}:`));
  });

  it('listens on the port the app reads from its environment', () => {
    const expected = app === 'gateway' ? Number(env['PORT']) : Number(env['METRICS_PORT']);
    expect(containerPorts(d).map((p) => p.containerPort)).toEqual([expected]);
    expect(expected).toBe(HEALTH_PORT[app]);
  });

  it('probes liveness on /health/live and readiness on /health/ready of that port', () => {
    expect(c.livenessProbe?.httpGet.path).toBe('/health/live');
    expect(c.readinessProbe?.httpGet.path).toBe('/health/ready');
    expect(c.startupProbe?.httpGet.path).toBe('/health/live');
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) expect(portNumber(d, p?.httpGet.port ?? '')).toBe(HEALTH_PORT[app]);
  });

  it('probes paths the app actually serves', () => {
    const src = sourcesOf(app);
    expect(src).toMatch(/['"/]health\/live['"]/);
    expect(src).toMatch(/['"/]health\/ready['"]/);
  });

  it('runs as a non-root user with no privileges and a read-only root', () => {
    const pod = podSpec(d)['securityContext'] as { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } };
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBeGreaterThan(0);
    expect(pod.seccompProfile.type).toBe('RuntimeDefault');
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts?.map((m) => m.mountPath)).toContain('/tmp');
  });

  it('requests and limits CPU and memory', () => {
    for (const k of ['requests', 'limits'] as const) {
      expect(c.resources?.[k]?.['cpu']).toBeDefined();
      expect(c.resources?.[k]?.['memory']).toBeDefined();
    }
  });

  it('leaves the replica count to its autoscaler', () => {
    expect((d['spec'] as { replicas?: number }).replicas).toBeUndefined();
  });

  it('gives the app longer than SHUTDOWN_GRACE_SEC (plus any preStop pause) before SIGKILL', () => {
    const grace = podSpec(d)['terminationGracePeriodSeconds'] as number;
    const preStop = c.lifecycle?.preStop?.exec?.command;
    const pause = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
    expect(grace).toBeGreaterThan(Number(env['SHUTDOWN_GRACE_SEC']) + pause);
    expect(Number(env['SHUTDOWN_GRACE_SEC'])).toBeLessThanOrEqual(3600);
  });
});

describe('downloads', () => {
  const worker = get(objects, 'Deployment', 'downloader-worker');

  it('give the worker as long as a download may take to stop', () => {
    expect(podSpec(worker)['terminationGracePeriodSeconds']).toBeGreaterThanOrEqual(Math.max(1800, Number(config['DOWNLOAD_TIMEOUT_SEC'])));
  });
});

interface Volume {
  name: string;
  emptyDir?: { sizeLimit?: string };
  persistentVolumeClaim?: { claimName: string };
}

describe.each(LAYOUTS.map((l) => [l.dir, l.storage, l] as const))('media storage in %s (%s layout)', (dir, storage, layout) => {
  const { apps, cluster } = layout;
  const cfg = dataValues(get(apps, 'ConfigMap', 'mda-config'));
  const secret = dataValues(get(apps, 'Secret', 'mda-secrets'));
  const deployment = (app: AppName) => get(apps, 'Deployment', app);
  const volumes = (d: K8sObject): Volume[] => (podSpec(d)['volumes'] as Volume[]) ?? [];
  /** The volume the app's container mounts at `path`, if any. */
  const volumeAt = (app: AppName, path: string): Volume | undefined => {
    const d = deployment(app);
    const mount = (container(d).volumeMounts ?? []).find((m) => m.mountPath === path);
    return mount && volumes(d).find((v) => v.name === mount.name);
  };
  const claimsOf = (app: AppName) => volumes(deployment(app)).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));

  it(`sets STORAGE_BACKEND=${storage === 's3' ? 's3' : 'local'}`, () => {
    expect(cfg['STORAGE_BACKEND']).toBe(storage === 's3' ? 's3' : 'local');
  });

  it("is read as intended by the apps' own loader of STORAGE_BACKEND and S3_* (an unset bucket stops the apps)", () => {
    const env = { ...cfg, ...secret };
    if (storage === 'shared-folder') {
      expect(loadMediaStoreConfig(env)).toEqual({ backend: 'local', storageDir: cfg['STORAGE_DIR'] });
    } else if (dir === 'base') {
      // base is not meant to be applied: like its placeholder secrets, the empty bucket fails closed
      expect(() => loadMediaStoreConfig(env)).toThrow(ConfigError);
      expect(() => loadMediaStoreConfig(env)).toThrow(/S3_BUCKET is required/);
    } else {
      const loaded = loadMediaStoreConfig(env);
      expect(loaded).toEqual(expect.objectContaining({ backend: 's3', storageDir: cfg['STORAGE_DIR'] }));
      expect(loaded.backend === 's3' && loaded.s3.bucket).toBe(cfg['S3_BUCKET']);
    }
  });

  it('gives the webhook sender no media volume', () => {
    expect(volumeAt('webhook-sender', cfg['STORAGE_DIR'])).toBeUndefined();
    expect(claimsOf('webhook-sender')).toEqual([]);
  });

  it("asks the node for the disk the worker's emptyDirs may fill (ephemeral-storage request and limit)", () => {
    const c = container(deployment('downloader-worker'));
    const emptyDirs = volumes(deployment('downloader-worker')).filter((v) => v.emptyDir);
    for (const v of emptyDirs) expect(`${v.name}: ${v.emptyDir?.sizeLimit}`).toMatch(/: \d+(Mi|Gi)$/);
    const total = emptyDirs.reduce((sum, v) => sum + quantityBytes(v.emptyDir?.sizeLimit ?? '0'), 0);
    const request = quantityBytes(c.resources?.requests?.['ephemeral-storage'] ?? '0');
    const limit = quantityBytes(c.resources?.limits?.['ephemeral-storage'] ?? '0');
    expect(request).toBeGreaterThanOrEqual(total);
    expect(limit).toBeGreaterThanOrEqual(request);
  });

  if (storage === 's3') {
    it('mounts no claim anywhere: the gateway has no media volume, the worker scratch of its own', () => {
      for (const app of APPS) expect(`${app}: ${claimsOf(app).join()}`).toBe(`${app}: `);
      expect(volumeAt('gateway', cfg['STORAGE_DIR'])).toBeUndefined();
      expect(ofKind(cluster, 'PersistentVolumeClaim')).toEqual([]);
    });

    it('gives the worker a size-limited emptyDir at STORAGE_DIR with room for WORKER_CONCURRENCY files of MAX_FILE_SIZE_MB', () => {
      const scratch = volumeAt('downloader-worker', cfg['STORAGE_DIR']);
      expect(scratch?.emptyDir?.sizeLimit).toBeDefined();
      const oneFile = Number(cfg['MAX_FILE_SIZE_MB']) * 2 ** 20;
      const size = quantityBytes(String(scratch?.emptyDir?.sizeLimit));
      expect(size).toBeGreaterThanOrEqual(Number(cfg['WORKER_CONCURRENCY']) * oneFile);
      // base's comment promises twice that (yt-dlp's separate streams before the merge)
      if (dir === 'base') expect(size).toBeGreaterThanOrEqual(2 * Number(cfg['WORKER_CONCURRENCY']) * oneFile);
    });
  } else {
    it('shares one ReadWriteMany claim, mounted at STORAGE_DIR in the gateway and the worker only', () => {
      const pvc = get(cluster, 'PersistentVolumeClaim', 'mda-media')['spec'] as { accessModes: string[] };
      expect(pvc.accessModes).toEqual(['ReadWriteMany']);
      for (const app of ['gateway', 'downloader-worker'] as const) {
        expect(volumeAt(app, cfg['STORAGE_DIR'])?.persistentVolumeClaim?.claimName).toBe('mda-media');
        expect(claimsOf(app)).toEqual(['mda-media']);
        expect(
          volumes(deployment(app))
            .filter((v) => v.emptyDir)
            .map((v) => v.name),
        ).toEqual(['tmp']);
      }
    });
  }
});

describe('autoscaling', () => {
  interface Trigger {
    type: string;
    metadata: Record<string, string>;
    authenticationRef: { name: string };
  }
  const scaled = (name: string) =>
    get(objects, 'ScaledObject', name)['spec'] as {
      minReplicaCount: number;
      maxReplicaCount: number;
      fallback?: { failureThreshold: number; replicas: number };
      triggers: Trigger[];
    };
  const declaredQueues = TOPOLOGY.queues.map((q) => q.name);

  it('scales the gateway on CPU with an autoscaling/v2 HPA of at least 2 replicas', () => {
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler')[0];
    const spec = hpa['spec'] as {
      scaleTargetRef: { name: string };
      minReplicas: number;
      metrics: Array<{ type: string; resource: { name: string; target: { type: string } } }>;
    };
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(spec.scaleTargetRef.name).toBe('gateway');
    expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(spec.metrics).toEqual([
      expect.objectContaining({
        type: 'Resource',
        resource: expect.objectContaining({ name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) }),
      }),
    ]);
  });

  it('scales the worker on the length of downloader.jobs, one replica per WORKER_CONCURRENCY jobs', () => {
    const spec = scaled('downloader-worker');
    expect(spec.triggers).toHaveLength(1);
    expect(spec.triggers[0].metadata).toEqual(
      expect.objectContaining({ queueName: QUEUES.downloaderJobs, mode: 'QueueLength', value: config['WORKER_CONCURRENCY'] }),
    );
  });

  it('takes the per-replica targets from mda-config (kustomize replacements), not from a copy', () => {
    expect(scaled('downloader-worker').triggers[0].metadata['value']).toBe(config['WORKER_CONCURRENCY']);
    for (const t of scaled('webhook-sender').triggers) expect(t.metadata['value']).toBe(config['WEBHOOK_CONCURRENCY']);
    // the files themselves hold a placeholder: only the replacement can set the number
    for (const app of ['downloader-worker', 'webhook-sender']) expect(readRepoFile(`deploy/base/${app}/scaledobject.yaml`)).toMatch(/value: "from-config"/);
  });

  it('falls back to a fixed replica count when KEDA cannot read the queues', () => {
    for (const name of ['downloader-worker', 'webhook-sender']) {
      const spec = scaled(name);
      expect(spec.fallback?.failureThreshold).toBeGreaterThanOrEqual(1);
      expect(spec.fallback?.replicas).toBeGreaterThanOrEqual(spec.minReplicaCount);
      expect(spec.fallback?.replicas).toBeLessThanOrEqual(spec.maxReplicaCount);
    }
  });

  it('scales the sender on its intake, where first attempts are made (and on the retries back in webhooks.deliver)', () => {
    const queues = scaled('webhook-sender').triggers.map((t) => t.metadata['queueName']);
    expect(queues).toEqual([QUEUES.senderDownloadEvents, QUEUES.webhooksDeliver]);
  });

  it('uses RabbitMQ triggers on queues the topology declares, counting in-flight messages', () => {
    for (const name of ['downloader-worker', 'webhook-sender']) {
      const spec = scaled(name);
      expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
      for (const t of spec.triggers) {
        expect(t.type).toBe('rabbitmq');
        expect(declaredQueues).toContain(t.metadata['queueName']);
        // the management API (http) counts unacknowledged messages, AMQP only ready ones
        expect(t.metadata['protocol']).toBe('http');
        expect(t.metadata['excludeUnacknowledged']).toBeUndefined();
        expect(t.authenticationRef.name).toBe('rabbitmq-management');
      }
    }
  });

  it('authenticates KEDA with a management API URL taken from a Secret', () => {
    const ta = get(objects, 'TriggerAuthentication', 'rabbitmq-management')['spec'] as {
      secretTargetRef: Array<{ parameter: string; name: string; key: string }>;
    };
    expect(ta.secretTargetRef).toEqual([{ parameter: 'host', name: 'mda-keda-rabbitmq', key: 'host' }]);
    const host = new URL(dataValues(get(objects, 'Secret', 'mda-keda-rabbitmq'))['host']);
    expect(host.protocol).toBe('http:');
    expect(host.port).toBe('15672');
    expect(host.pathname).toBe('/');
  });

  it('covers every retry tier queue the contracts define (sanity check of the import)', () => {
    expect(Array.from({ length: MAX_RETRY_TIERS }, (_, i) => retryTierQueue(i + 1))).toEqual(declaredQueues.filter((q) => q.startsWith('webhooks.retry.')));
  });
});

describe('monitoring', () => {
  it.each(APPS)('scrapes /metrics of %s on the port it serves metrics on', (app) => {
    const sm = get(objects, 'ServiceMonitor', app)['spec'] as { endpoints: Array<{ port: string; path: string }> };
    const svc = get(objects, 'Service', app)['spec'] as { ports: Array<{ name: string; targetPort: string }> };
    const d = get(objects, 'Deployment', app);
    expect(sm.endpoints).toHaveLength(1);
    expect(sm.endpoints[0].path).toBe('/metrics');
    const svcPort = svc.ports.find((p) => p.name === sm.endpoints[0].port);
    expect(portNumber(d, svcPort?.targetPort ?? '')).toBe(HEALTH_PORT[app]);
  });
});
