import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalS3Server, LocalServer, freePort, startS3Server, waitFor } from '@mda/testing';
import { createMediaStore } from '@mda/media-store';
import type { MediaStore } from '@mda/media-store';
import { makeTestClip, serveFiles } from './support/media-source';
import { readmeBlock } from './support/readme-blocks';
import { AppName, SystemOptions, TestSystem } from './support/system';

const run = promisify(execFile);

interface Received {
  verified: boolean;
  id: string;
  event: string;
  payload: { event: string; timestamp: string; request_id: string; data: Record<string, any> };
}

/** Where the quick start's system keeps finished files, and how the test reads them back. */
interface Backend {
  /** The system's options (environment) for this store. */
  options(): Promise<SystemOptions>;
  /** The stored file's bytes, read from the store itself (not through the API). */
  storedBytes(sys: TestSystem, filepath: string): Promise<Buffer>;
  /** What the completed webhook's download_url starts with. */
  downloadUrlPrefix(sys: TestSystem, filepath: string): string;
  close(): Promise<void>;
}

/** The embedded default: the STORAGE_DIR folder, shared by the three processes. */
function localFolder(): Backend {
  return {
    options: async () => ({}),
    storedBytes: async (sys, filepath) => readFileSync(join(sys.storageDir, filepath)),
    downloadUrlPrefix: (sys, filepath) => `${sys.baseUrl}/files/${filepath}?`,
    close: async () => undefined,
  };
}

/**
 * STORAGE_BACKEND=s3 on a real S3-protocol server (s3rver on 127.0.0.1, data in a temp folder),
 * a bucket of its own, and a scratch STORAGE_DIR per process: nothing on disk is shared.
 */
function s3Bucket(): Backend {
  let s3: LocalS3Server | undefined;
  let bucket = '';
  let store: MediaStore | undefined;
  const scratches: string[] = [];
  return {
    async options() {
      s3 = await startS3Server();
      bucket = await s3.createBucket();
      const settings = { ...s3.clientSettings(bucket, ''), publicDownloads: true };
      const appEnv: SystemOptions['appEnv'] = {};
      for (const app of ['gateway', 'downloader-worker', 'webhook-sender'] as AppName[]) {
        const scratch = mkdtempSync(join(tmpdir(), `mda-quickstart-${app}-`));
        scratches.push(scratch);
        appEnv[app] = { STORAGE_DIR: scratch };
      }
      store = await createMediaStore({ backend: 's3', storageDir: scratches[0], s3: settings });
      return {
        env: {
          STORAGE_BACKEND: 's3',
          S3_ENDPOINT: s3.endpoint,
          S3_REGION: s3.region,
          S3_BUCKET: bucket,
          S3_ACCESS_KEY_ID: s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
          S3_FORCE_PATH_STYLE: 'true',
          S3_PUBLIC_DOWNLOADS: 'true',
        },
        appEnv,
      };
    },
    async storedBytes(_sys, filepath) {
      if (!store) throw new Error('the S3 backend was not started');
      const opened = await store.read(filepath);
      if (!opened) throw new Error(`no object ${filepath} in bucket ${bucket}`);
      const chunks: Buffer[] = [];
      for await (const c of opened.body) chunks.push(Buffer.from(c));
      return Buffer.concat(chunks);
    },
    // a presigned GET on the bucket (path style: endpoint/bucket/key)
    downloadUrlPrefix: (_sys, filepath) => `${s3?.endpoint}/${bucket}/${filepath}?`,
    async close() {
      await s3?.close();
      for (const d of scratches) rmSync(d, { recursive: true, force: true });
    },
  };
}

async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

describe.each([
  ['the local folder', localFolder],
  ['an S3 bucket', s3Bucket],
])('README quick start, end to end, on %s', (_name, makeBackend) => {
  const backend = makeBackend();
  let sys: TestSystem;
  let media: LocalServer;
  let receiver: ChildProcess;
  let receiverUrl: string;
  const received: Received[] = [];
  let clip: Buffer;

  beforeAll(async () => {
    sys = await TestSystem.start(await backend.options());
    clip = makeTestClip();
    // ~2.5 s to download, so progress is reported
    media = await serveFiles({ '/clip.mp4': { body: clip, type: 'video/mp4' } }, Math.ceil(clip.length / 2.5));
    const receiverPath = join(sys.dir, 'receiver.js');
    writeFileSync(receiverPath, readmeBlock('receiver'));
    const port = await freePort();
    receiverUrl = `http://127.0.0.1:${port}`;
    receiver = spawn(process.execPath, [receiverPath], { env: { ...process.env, API_KEY: sys.apiKey, RECEIVER_PORT: String(port) } });
    receiver.stdout!.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n').filter(Boolean)) received.push(JSON.parse(line));
    });
    await waitFor(async () => (await fetch(receiverUrl, { method: 'POST', body: '{}' }).catch(() => undefined))?.status === 401, {
      what: 'receiver up',
    });
  }, 90_000);

  afterAll(async () => {
    receiver?.kill();
    await media?.close();
    await sys?.stop();
    await backend.close();
  });

  function curlFromReadme(videoUrl: string): string {
    return readmeBlock('curl')
      .replace('http://localhost:8080', sys.baseUrl)
      .replace('your-api-key', sys.apiKey)
      .replace('http://127.0.0.1:8000/clip.mp4', videoUrl)
      .replace('http://127.0.0.1:5000', receiverUrl);
  }

  it('downloads the file and delivers verified started, progress and completed webhooks', async () => {
    const { stdout } = await run('bash', ['-c', curlFromReadme(`${media.url}/clip.mp4`)]);
    const accepted = JSON.parse(stdout);
    expect(accepted.status).toBe('queued');
    expect(accepted.request_id).toMatch(/^req_[a-z0-9]{12,}$/);
    const id = accepted.request_id as string;

    const mine = () => received.filter((r) => r.payload.request_id === id);
    await waitFor(() => mine().some((r) => r.event === 'download.completed'), { timeoutMs: 30_000, what: 'download.completed webhook' });
    const events = mine();
    expect(events.every((e) => e.verified)).toBe(true);
    expect(events[0].event).toBe('download.started');
    expect(events[events.length - 1].event).toBe('download.completed');
    const progress = events.filter((e) => e.event === 'download.progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    const percents = progress.map((p) => p.payload.data.progress.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    for (const e of events) {
      expect(Object.keys(e.payload).sort()).toEqual(['data', 'event', 'request_id', 'timestamp']);
      expect(e.payload.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(e.payload.data.request_id).toBe(id);
      expect(e.payload.data.url).toBe(`${media.url}/clip.mp4`);
    }
    expect(events[0].payload.data).toEqual({ request_id: id, url: `${media.url}/clip.mp4`, status: 'running' });
    const p = progress[0].payload.data;
    expect(p.status).toBe('running');
    expect(Object.keys(p.progress).sort()).toEqual(['downloaded_bytes', 'eta', 'percent', 'speed', 'total_bytes']);
    expect(p.progress.total_bytes).toBe(clip.length);

    const done = events[events.length - 1].payload.data;
    expect(done.status).toBe('completed');
    const idPart = id.slice(4);
    expect(done.file_info).toEqual({
      filename: `video-${idPart}.mp4`,
      filepath: `videos/video-${idPart}.mp4`,
      size_bytes: clip.length,
      download_url: expect.stringMatching(/^http/),
    });
    expect(done.file_info.download_url.startsWith(backend.downloadUrlPrefix(sys, done.file_info.filepath))).toBe(true);
    expect(done.metadata.title).toBe('Test Clip');
    expect(done.metadata.duration).toBeCloseTo(3, 0);

    // the stored file is byte for byte the source, and so is what download_url (no API key) and /files (with the key) return
    expect((await backend.storedBytes(sys, done.file_info.filepath)).equals(clip)).toBe(true);
    const viaLink = await fetchBytes(done.file_info.download_url);
    expect(viaLink.status).toBe(200);
    expect(viaLink.body.equals(clip)).toBe(true);
    const viaFiles = await fetchBytes(`${sys.baseUrl}/files/${done.file_info.filepath}`, { 'x-api-key': sys.apiKey });
    expect(viaFiles.status).toBe(200);
    expect(viaFiles.body.equals(clip)).toBe(true);

    const job = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return r.body.status === 'completed' ? r : undefined;
      },
      { what: 'job completed in the store' },
    );
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      request_id: id,
      url: `${media.url}/clip.mp4`,
      status: 'completed',
      progress: { percent: 100 },
      file_info: { filepath: `videos/video-${idPart}.mp4`, size_bytes: clip.length },
      metadata: { title: 'Test Clip' },
      error: null,
    });
    expect(job.body.started_at).toBeTruthy();
    expect(job.body.completed_at).toBeTruthy();
  }, 60_000);

  it('reports a 404 source as download.failed and status failed', async () => {
    const { stdout } = await run('bash', ['-c', curlFromReadme(`${media.url}/missing.mp4`)]);
    const id = JSON.parse(stdout).request_id as string;
    const failed = await waitFor(() => received.find((r) => r.payload.request_id === id && r.event === 'download.failed'), {
      timeoutMs: 30_000,
      what: 'download.failed webhook',
    });
    expect(failed.verified).toBe(true);
    expect(failed.payload.data).toEqual({
      request_id: id,
      url: `${media.url}/missing.mp4`,
      status: 'failed',
      error: expect.stringMatching(/not available|404/i),
    });
    const job = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return r.body.status === 'failed' ? r.body : undefined;
      },
      { what: 'job failed in the store' },
    );
    expect(job.error).toMatch(/404/);
    expect(job.error_code).toBe('not_found');
  }, 60_000);
});
