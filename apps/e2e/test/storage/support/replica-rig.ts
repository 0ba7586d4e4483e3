import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalS3Server, TestDatabase, ThrottledProxy, createTestDatabase, startS3Server, startThrottledProxy, waitFor } from '@mda/testing';
import { Client } from 'pg';
import { apiKeyFingerprint } from '@mda/contracts';
import { createMediaStore } from '@mda/media-store';
import type { MediaStore } from '@mda/media-store';
import { TestSystem } from '../../support/system';
import { PAUSABLE_GATEWAY, pauseConsumers } from '../../support/pausable-gateway';
import { watchGateway } from '../../support/contract';
import { AuditTap } from '../../faults/support/broker';
import { Replica } from '../../faults/support/replica';
import { TestReceiver } from '../../webhooks/support/receiver';

/** One gateway process: where to call it and how its download_url looks. */
export interface GatewayNode {
  name: string;
  baseUrl: string;
  /** true: presigned GETs on the bucket; false: the gateway's signed /files links. */
  publicDownloads: boolean;
}

/** A `job_events` row: one recorded job change, as every replica's event streams send it. */
export interface JobEventRow {
  id: string;
  request_id: string;
  view: any;
}

/** One worker slot: its process (replaced when restarted), its own scratch and its own way to the bucket. */
export interface WorkerNode {
  name: string;
  proc: Replica;
  scratch: string;
  /** The worker's S3_ENDPOINT: a proxy in front of the S3 server that can slow its uploads down. */
  proxy: ThrottledProxy;
}

/**
 * Two gateways, two workers and two webhook senders as separate processes on one broker vhost,
 * one PostgreSQL database and one S3 bucket, each process with a scratch STORAGE_DIR of its own:
 * nothing else is shared. Gateway A hands out presigned links, gateway B its /files links.
 * Gateway A runs the built gateway through PAUSABLE_GATEWAY, so a test can pause its consumers.
 */
export class ReplicaRig {
  readonly scratches: string[] = [];
  sys!: TestSystem;
  s3!: LocalS3Server;
  bucket!: string;
  db!: TestDatabase;
  store!: MediaStore;
  tap!: AuditTap;
  receiver!: TestReceiver;
  gateways: GatewayNode[] = [];
  workers: WorkerNode[] = [];
  senders: Replica[] = [];
  /** Scratch folders of killed processes: gone with their pod in a cluster, so not checked for leftovers. */
  private readonly retired = new Set<string>();

  static async start(env: Record<string, string>): Promise<ReplicaRig> {
    const rig = new ReplicaRig();
    try {
      await rig.init(env);
    } catch (err) {
      await rig.stop().catch(() => undefined);
      throw err;
    }
    return rig;
  }

  private async init(env: Record<string, string>): Promise<void> {
    this.s3 = await startS3Server();
    this.bucket = await this.s3.createBucket();
    this.db = await createTestDatabase('mda_replicas');
    this.receiver = await TestReceiver.start();
    const s3Env = {
      STORAGE_BACKEND: 's3',
      S3_ENDPOINT: this.s3.endpoint,
      S3_REGION: this.s3.region,
      S3_BUCKET: this.bucket,
      S3_PREFIX: 'media',
      S3_ACCESS_KEY_ID: this.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: this.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PUBLIC_DOWNLOADS: 'true',
    };
    // gateway A and sender A are the TestSystem's own processes; the workers are all replicas
    this.sys = await TestSystem.start({
      apps: ['gateway', 'webhook-sender'],
      gatewayLauncher: PAUSABLE_GATEWAY,
      env: { ...s3Env, DATABASE_URL: this.db.url, ...env },
      appEnv: { gateway: { STORAGE_DIR: this.scratch('gateway-a') }, 'webhook-sender': { STORAGE_DIR: this.scratch('sender-a') } },
    });
    this.tap = await AuditTap.start(this.sys.vhost);
    this.gateways.push({ name: 'A', baseUrl: this.sys.baseUrl, publicDownloads: true });
    const b = await this.sys.startGatewayReplica({ STORAGE_DIR: this.scratch('gateway-b'), S3_PUBLIC_DOWNLOADS: 'false' });
    watchGateway(b.baseUrl);
    this.gateways.push({ name: 'B', baseUrl: b.baseUrl, publicDownloads: false });
    const senderB = await Replica.start(this.sys, 'webhook-sender', { STORAGE_DIR: this.scratch('sender-b') });
    this.senders.push(senderB);
    await senderB.waitConsuming('delivering webhooks', 60_000);
    for (const name of ['A', 'B']) {
      const proxy = await startThrottledProxy(this.s3.endpoint);
      const worker: WorkerNode = { name, proxy, scratch: '', proc: undefined as unknown as Replica };
      this.workers.push(worker);
      await this.startWorker(worker);
    }
    this.store = await createMediaStore({
      backend: 's3',
      storageDir: this.scratch('test-reader'),
      s3: { ...this.s3.clientSettings(this.bucket), publicDownloads: true },
    });
  }

  /** Starts (or restarts, like a pod after a crash: a new process on a fresh scratch) a worker slot. */
  async startWorker(worker: WorkerNode): Promise<void> {
    if (worker.scratch) this.retired.add(worker.scratch);
    worker.scratch = this.scratch(`worker-${worker.name.toLowerCase()}`);
    worker.proc = await Replica.start(this.sys, 'downloader-worker', { STORAGE_DIR: worker.scratch, S3_ENDPOINT: worker.proxy.url });
    await worker.proc.waitConsuming('consuming download jobs', 60_000);
  }

  /** A scratch STORAGE_DIR for one process. */
  private scratch(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), `mda-replica-${name}-`));
    this.scratches.push(dir);
    return dir;
  }

  async api(gw: GatewayNode, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${gw.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': this.sys.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async submit(gw: GatewayNode, url: string): Promise<string> {
    const r = await this.api(gw, 'POST', '/api/v1/download', { url, webhook_url: this.receiver.url('/hook') });
    if (r.status !== 202) throw new Error(`gateway ${gw.name} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body.request_id as string;
  }

  /** Polls the jobs (each on the gateway given) until every one is final; returns the views. */
  async waitAllFinal(ids: Array<{ id: string; gw: GatewayNode }>, timeoutMs: number): Promise<Map<string, any>> {
    const views = new Map<string, any>();
    await waitFor(
      async () => {
        for (const { id, gw } of ids) {
          if (['completed', 'failed', 'cancelled'].includes(views.get(id)?.status)) continue;
          views.set(id, (await this.api(gw, 'GET', `/api/v1/download/${id}`)).body);
        }
        return ids.every(({ id }) => ['completed', 'failed', 'cancelled'].includes(views.get(id)?.status));
      },
      { timeoutMs, intervalMs: 250, what: `${ids.length} jobs final` },
    ).catch((err: Error) => {
      const open = ids.filter(({ id }) => views.get(id)?.status !== 'completed').map(({ id }) => `${id}=${views.get(id)?.status}`);
      throw new Error(`${err.message}; not completed: ${open.join(', ')}`);
    });
    return views;
  }

  /** Gateway A stops consuming these subscriptions: gateway B's consumers get every message of them from then on. */
  async pauseOnA(subscriptions: string[]): Promise<void> {
    const a = this.sys.apps.get('gateway');
    if (!a) throw new Error('gateway A is not running');
    await pauseConsumers(a, subscriptions);
  }

  /** Stops gateway A as a pod is stopped (SIGTERM: drain, then close); resolves with its exit code. */
  stopGatewayA(): Promise<number | null> {
    return this.sys.kill('gateway', 'SIGTERM');
  }

  /** The job changes PostgreSQL recorded for these jobs of the rig's key, in id order. */
  async jobEvents(requestIds: string[]): Promise<JobEventRow[]> {
    const c = new Client({ connectionString: this.db.url });
    await c.connect();
    try {
      const r = await c.query<{ id: string; request_id: string; view: string }>(
        'select id, request_id, view from job_events where api_key_fp = $1 and request_id = any($2) order by id',
        [apiKeyFingerprint(this.sys.apiKey), requestIds],
      );
      return r.rows.map((row) => ({ id: String(row.id), request_id: row.request_id, view: JSON.parse(row.view) }));
    } finally {
      await c.end();
    }
  }

  /** What the live processes' scratch folders hold (a worker's work area included); {} when all are empty. */
  leftoverScratch(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const dir of this.scratches.filter((d) => !this.retired.has(d))) {
      const entries = readdirSync(dir).filter((e) => e !== '.partial');
      const partial = readdirSync(dir).includes('.partial') ? readdirSync(join(dir, '.partial')).map((e) => `.partial/${e}`) : [];
      if (entries.length + partial.length > 0) out[dir] = [...entries, ...partial];
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.proc?.kill('SIGTERM')), ...this.senders.map((s) => s.kill('SIGTERM'))]);
    await this.sys?.stop();
    await this.receiver?.close();
    for (const w of this.workers) await w.proxy.close();
    await this.s3?.close();
    await this.db?.dispose().catch(() => undefined);
    for (const d of this.scratches) rmSync(d, { recursive: true, force: true });
  }
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
