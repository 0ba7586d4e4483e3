import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalServer, freePort, waitFor } from '@mda/testing';
import { makeTestClip, serveFiles } from './support/media-source';
import { readmeBlock } from './support/readme-blocks';
import { TestSystem } from './support/system';

const run = promisify(execFile);

interface Received {
  verified: boolean;
  id: string;
  event: string;
  payload: { event: string; timestamp: string; request_id: string; data: Record<string, any> };
}

describe('README quick start, end to end', () => {
  let sys: TestSystem;
  let media: LocalServer;
  let receiver: ChildProcess;
  let receiverUrl: string;
  const received: Received[] = [];
  let clip: Buffer;

  beforeAll(async () => {
    sys = await TestSystem.start();
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
      download_url: expect.stringContaining(`${sys.baseUrl}/files/videos/video-${idPart}.mp4`),
    });
    expect(done.metadata.title).toBe('Test Clip');
    expect(done.metadata.duration).toBeCloseTo(3, 0);

    // the stored file is byte for byte the source
    expect(readFileSync(join(sys.storageDir, done.file_info.filepath)).equals(clip)).toBe(true);

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
