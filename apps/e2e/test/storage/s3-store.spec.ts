import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalS3Server, MediaServer, makeClip, mediaRoot, serveMedia, startS3Server, waitFor } from '@mda/testing';
import { createMediaStore } from '@mda/media-store';
import type { MediaStore } from '@mda/media-store';
import { AppName, TestSystem } from '../support/system';
import { submit, waitFinal } from '../downloads/support/jobs';
import { TestReceiver } from '../webhooks/support/receiver';

/**
 * The system on STORAGE_BACKEND=s3 (a real S3-protocol server on 127.0.0.1): every app has a
 * scratch STORAGE_DIR of its own, so nothing is shared but the broker, the job store and the bucket.
 */

const APPS: AppName[] = ['gateway', 'downloader-worker', 'webhook-sender'];

async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

describe('S3 media store', () => {
  let s3: LocalS3Server;
  let media: MediaServer;
  let clip: string;
  let bytes: Buffer;
  const scratches: string[] = [];

  beforeAll(async () => {
    s3 = await startS3Server();
    clip = await makeClip({ seconds: 2, title: 'S3 Clip' });
    bytes = readFileSync(clip);
    media = await serveMedia(mediaRoot());
  }, 60_000);

  afterAll(async () => {
    await media?.close();
    await s3?.close();
    for (const d of scratches) rmSync(d, { recursive: true, force: true });
  });

  /** The S3 settings for a bucket of its own, and a scratch folder per app. */
  async function s3System(apps: AppName[], publicDownloads: boolean): Promise<{ sys: TestSystem; store: MediaStore; scratch: Record<string, string> }> {
    const bucket = await s3.createBucket();
    const env = {
      STORAGE_BACKEND: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_BUCKET: bucket,
      S3_PREFIX: 'media',
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PUBLIC_DOWNLOADS: String(publicDownloads),
      FILES_URL_TTL_SEC: '600',
    };
    const scratch: Record<string, string> = {};
    const appEnv: Partial<Record<AppName, Record<string, string>>> = {};
    for (const app of apps) {
      scratch[app] = mkdtempSync(join(tmpdir(), `mda-scratch-${app}-`));
      scratches.push(scratch[app]);
      appEnv[app] = { STORAGE_DIR: scratch[app] };
    }
    const sys = await TestSystem.start({ apps, env, appEnv });
    const store = await createMediaStore({
      backend: 's3',
      storageDir: scratch['gateway'],
      s3: { ...s3.clientSettings(bucket), publicDownloads },
    });
    return { sys, store, scratch };
  }

  describe('with presigned downloads (S3_PUBLIC_DOWNLOADS=true, the default)', () => {
    let sys: TestSystem;
    let store: MediaStore;
    let scratch: Record<string, string>;
    let receiver: TestReceiver;
    let job: any;
    /** With a sidecar (the .info.json); yt-dlp's path, so its media bytes are not the clip's. */
    let withInfo: any;

    beforeAll(async () => {
      ({ sys, store, scratch } = await s3System(APPS, true));
      receiver = await TestReceiver.start();
      job = await waitFinal(sys, await submit(sys, { url: media.urlFor(clip), webhook_url: receiver.url('/hook') }));
      withInfo = await waitFinal(sys, await submit(sys, { url: media.urlFor(clip), write_info_json: true }));
    }, 120_000);

    afterAll(async () => {
      await receiver?.close();
      await sys?.stop();
    });

    it('stores the media and its sidecar in the bucket, and leaves no scratch file and no incomplete upload', async () => {
      expect(job.status).toBe('completed');
      expect(withInfo.status).toBe('completed');
      const fp = job.file_info.filepath as string;
      expect((await store.stat(fp))?.size).toBe(bytes.length);
      expect(job.file_info.size_bytes).toBe(bytes.length);
      const keys = (await store.list('')).map((o) => o.key);
      expect(keys.sort()).toEqual([fp, ...withInfo.file_info.files.map((f: any) => f.filepath)].sort());
      expect((await store.stat(withInfo.file_info.filepath))?.size).toBe(withInfo.file_info.size_bytes);
      expect(await store.incompleteUploads()).toEqual([]);
      // the worker's scratch keeps only its (empty) work area; the gateway and the sender wrote nothing
      expect(readdirSync(join(scratch['downloader-worker'], '.partial'))).toEqual([]);
      expect(readdirSync(scratch['gateway'])).toEqual([]);
      expect(readdirSync(scratch['webhook-sender'])).toEqual([]);
    });

    it('download_url is a presigned GET on the bucket that returns the exact bytes, as an attachment named after the file', async () => {
      const url = new URL(job.file_info.download_url);
      expect(url.origin).toBe(s3.endpoint);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
      const res = await fetchBytes(job.file_info.download_url);
      expect(res.status).toBe(200);
      expect(res.body.equals(bytes)).toBe(true);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="${job.file_info.filename}"; filename*=UTF-8''${encodeURIComponent(job.file_info.filename)}`,
      );
      // the sidecar's link is presigned too
      const info = withInfo.file_info.files.find((f: any) => f.kind === 'info_json');
      expect(new URL(info.download_url).origin).toBe(s3.endpoint);
      const sidecar = await fetchBytes(info.download_url);
      expect(sidecar.status).toBe(200);
      expect(sidecar.body.length).toBe(info.size_bytes);
      expect(JSON.parse(sidecar.body.toString()).title).toBe(withInfo.metadata.title);
      // signed with the bucket's credentials (s3rver does not check signatures: the SDK's presigner is trusted for that)
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request$/);
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    });

    it("the webhook's download_url (signed by the sender) is a presigned GET returning the exact bytes", async () => {
      const hit = await waitFor(() => receiver.on('/hook').find((h) => JSON.parse(h.body.toString()).event === 'download.completed'), {
        timeoutMs: 30_000,
        what: 'the completed webhook',
      });
      const payload = JSON.parse(hit.body.toString());
      expect(new URL(payload.data.file_info.download_url).origin).toBe(s3.endpoint);
      const res = await fetchBytes(payload.data.file_info.download_url);
      expect(res.status).toBe(200);
      expect(res.body.equals(bytes)).toBe(true);
    });

    it('/files streams the object with the API key: the exact bytes, ranges, ETag and 304', async () => {
      const url = `${sys.baseUrl}/files/${job.file_info.filepath}`;
      const key = { 'x-api-key': sys.apiKey };
      const full = await fetchBytes(url, key);
      expect(full.status).toBe(200);
      expect(full.body.equals(bytes)).toBe(true);
      expect(full.headers.get('content-type')).toBe('video/mp4');
      expect(full.headers.get('content-length')).toBe(String(bytes.length));
      const etag = full.headers.get('etag')!;
      expect(etag).toBe((await store.stat(job.file_info.filepath))!.etag);
      const part = await fetchBytes(url, { ...key, range: 'bytes=100-1099' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
      expect(part.body.equals(bytes.subarray(100, 1100))).toBe(true);
      const tail = await fetchBytes(url, { ...key, range: 'bytes=-10' });
      expect(tail.body.equals(bytes.subarray(bytes.length - 10))).toBe(true);
      expect((await fetchBytes(url, { ...key, range: `bytes=${bytes.length}-` })).status).toBe(416);
      expect((await fetchBytes(url, { ...key, 'if-none-match': etag })).status).toBe(304);
      expect((await fetchBytes(`${sys.baseUrl}/files/videos/missing.mp4`, key)).status).toBe(404);
      expect((await fetchBytes(url)).status).toBe(401);
    });

    it('deleting the files removes their objects from the bucket', async () => {
      const fp = job.file_info.filepath as string;
      const del = await sys.api('DELETE', `/api/v1/download/${job.request_id}/file`);
      expect(del.status).toBe(200);
      expect(del.body.files_removed).toBe(1);
      expect(await store.stat(fp)).toBeNull();
      expect((await store.list('')).map((o) => o.key).sort()).toEqual(withInfo.file_info.files.map((f: any) => f.filepath).sort());
      const delInfo = await sys.api('DELETE', `/api/v1/download/${withInfo.request_id}/file`);
      expect(delInfo.status).toBe(200);
      expect(delInfo.body.files_removed).toBe(withInfo.file_info.files.length);
      expect(await store.list('')).toEqual([]);
      expect((await fetchBytes(job.file_info.download_url)).status).toBe(404);
      expect((await fetchBytes(`${sys.baseUrl}/files/${fp}`, { 'x-api-key': sys.apiKey })).status).toBe(404);
    });
  });

  describe('with S3_PUBLIC_DOWNLOADS=false', () => {
    let sys: TestSystem;
    let store: MediaStore;

    beforeAll(async () => {
      ({ sys, store } = await s3System(['gateway', 'downloader-worker'], false));
    }, 120_000);

    afterAll(async () => {
      await sys?.stop();
    });

    it('download_url is the signed /files link, and the gateway streams the exact bytes from the bucket', async () => {
      const job = await waitFinal(sys, await submit(sys, { url: media.urlFor(clip) }));
      expect(job.status).toBe('completed');
      expect(job.file_info.download_url.startsWith(`${sys.baseUrl}/files/${job.file_info.filepath}?expires=`)).toBe(true);
      const res = await fetchBytes(job.file_info.download_url);
      expect(res.status).toBe(200);
      expect(res.body.equals(bytes)).toBe(true);
      expect((await store.stat(job.file_info.filepath))?.size).toBe(bytes.length);
    });
  });
});
