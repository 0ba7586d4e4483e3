import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { createLogger } from '@mda/observability';
import { MediaUpload, PutOptions, createMediaStore } from '@mda/media-store';
import type { S3MediaStore } from '@mda/media-store';
import { LocalS3Server, ManualClock, startS3Server } from '@mda/testing';
import { DownloadError } from './ports/media-downloader';
import { placeFile } from './file-placement';
import { UploadSweeper } from './upload-sweeper';

/** The worker's side of the S3 store on a real S3-protocol server: a cancel aborts the upload, the start sweeps a crashed worker's uploads. */

const MIB = 1024 * 1024;
let s3: LocalS3Server;
let scratch: string;

beforeAll(async () => {
  s3 = await startS3Server();
  scratch = mkdtempSync(join(tmpdir(), 'mda-upload-cancel-'));
});

afterAll(async () => {
  await s3?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function s3Store(): Promise<S3MediaStore> {
  const bucket = await s3.createBucket();
  return (await createMediaStore({
    backend: 's3',
    storageDir: scratch,
    s3: { ...s3.clientSettings(bucket), publicDownloads: true },
  })) as S3MediaStore;
}

async function finished(size: number): Promise<string> {
  const path = join(scratch, `media-${randomBytes(6).toString('hex')}.mp4`);
  await writeFile(path, randomBytes(size));
  return path;
}

it('a cancel during the upload aborts it: the job is cancelled, no object and no incomplete multipart upload remain', async () => {
  const store = await s3Store();
  const controller = new AbortController();
  const cancelled = new DownloadError('cancelled', 'Cancelled by the user');
  let sentAtCancel = -1;
  // the cancel arrives once the first parts are on the server (the store reports them as they go)
  const upload = store.upload.bind(store);
  store.upload = (localPath: string, key: string, opts: PutOptions = {}): MediaUpload =>
    upload(localPath, key, {
      ...opts,
      onProgress: (sent, total) => {
        if (sent > 0 && sent < total && sentAtCancel < 0) {
          sentAtCancel = sent;
          controller.abort(cancelled);
        }
      },
    });
  const path = await finished(24 * MIB);

  const err = await placeFile(store, path, 'videos/video-cancel.mp4', { signal: controller.signal }).catch((e: unknown) => e);

  expect(err).toBe(cancelled);
  expect(sentAtCancel).toBeGreaterThan(0);
  expect(sentAtCancel).toBeLessThan(24 * MIB);
  expect(await store.stat('videos/video-cancel.mp4')).toBeNull();
  expect(await store.incompleteUploads()).toEqual([]);
  expect(existsSync(path)).toBe(true); // the scratch file is the job's, removed with its work folder
});

it('a job already cancelled starts no upload', async () => {
  const store = await s3Store();
  const controller = new AbortController();
  controller.abort(new DownloadError('cancelled', 'Cancelled by the user'));
  const err = await placeFile(store, await finished(1024), 'videos/video-early.mp4', { signal: controller.signal }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'cancelled' });
  expect(await store.stat('videos/video-early.mp4')).toBeNull();
  expect(await store.incompleteUploads()).toEqual([]);
});

it('records each key it stores, so a cancelled job can remove the files already placed', async () => {
  const store = await s3Store();
  const placed: string[] = [];
  await placeFile(store, await finished(1024), 'videos/video-kept.mp4', { placed });
  expect(placed).toEqual(['videos/video-kept.mp4']);
  expect((await store.stat('videos/video-kept.mp4'))?.size).toBe(1024);
});

describe('the incomplete-upload sweep', () => {
  it("aborts a crashed worker's multipart upload once it is older than the job time limit, and leaves a younger one alone", async () => {
    const store = await s3Store();
    const bucket = (store as unknown as { config: { bucket: string } }).config.bucket;
    await store.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'media/videos/crashed.mp4' }));
    expect(await store.incompleteUploads()).toEqual(['videos/crashed.mp4']);
    const clock = new ManualClock(Date.now());
    const sweeper = new UploadSweeper(store, { ageSec: 1800 + 300, intervalSec: 600 }, clock, createLogger('test', 'silent'));

    // as young as a job that may still be running on another worker: kept
    expect(await sweeper.sweep()).toBe(0);
    expect(await store.incompleteUploads()).toEqual(['videos/crashed.mp4']);

    // past the time limit and the slack: no worker can still be writing it
    clock.advance(1800 * 1000 + 6 * 60_000);
    expect(await sweeper.sweep()).toBe(1);
    expect(await store.incompleteUploads()).toEqual([]);
  });
});
