import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { LocalMediaStore, StoredObject, createMediaStore } from '../src';
import { S3MediaStore } from '../src/s3-media-store';
import { LocalS3Server, startS3Server } from '@mda/testing';

/** What only the S3 adapter does: conditional writes when a name is taken between the check and the write. */

const MIB = 1024 * 1024;
let s3: LocalS3Server;
let scratch: string;

beforeAll(async () => {
  s3 = await startS3Server();
  scratch = mkdtempSync(join(tmpdir(), 'mda-scratch-'));
});

afterAll(async () => {
  await s3?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A store whose existence check misses an object written by another job a moment before its own write. */
class RacingStore extends S3MediaStore {
  override async stat(key: string): Promise<StoredObject | null> {
    const real = await super.stat(key);
    return key.includes('raced') ? null : real;
  }
}

async function finished(size: number): Promise<{ path: string; data: Buffer }> {
  const data = randomBytes(size);
  const path = join(scratch, `file-${randomBytes(6).toString('hex')}.bin`);
  await writeFile(path, data);
  return { path, data };
}

async function storeFor(StoreClass: typeof S3MediaStore): Promise<{ store: S3MediaStore; bucket: string }> {
  const bucket = await s3.createBucket();
  const store = new StoreClass({
    endpoint: s3.endpoint,
    region: s3.region,
    bucket,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
  });
  return { store, bucket };
}

describe('S3MediaStore', () => {
  it.each([
    ['a single PUT', 100_000],
    ['a multipart upload', 12 * MIB],
  ])('keeps an object that appeared after the check (If-None-Match: * refused with 412) and stores %s under the suffixed name', async (_how, size) => {
    const { store, bucket } = await storeFor(RacingStore);
    const first = await finished(size);
    const second = await finished(size);
    expect((await store.put(first.path, `raced/${size}.mp4`, { keepExisting: true, suffix: 'one' })).key).toBe(`raced/${size}.mp4`);
    expect(await store.put(second.path, `raced/${size}.mp4`, { keepExisting: true, suffix: 'two' })).toEqual({ key: `raced/${size}-two.mp4`, size });
    const kept = await store.client.send(new GetObjectCommand({ Bucket: bucket, Key: `raced/${size}.mp4` }));
    expect(Buffer.from((await kept.Body?.transformToByteArray()) ?? []).equals(first.data)).toBe(true);
    const suffixed = await store.client.send(new GetObjectCommand({ Bucket: bucket, Key: `raced/${size}-two.mp4` }));
    expect(Buffer.from((await suffixed.Body?.transformToByteArray()) ?? []).equals(second.data)).toBe(true);
    // the refused multipart upload was aborted, not left behind
    expect((await store.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
  });

  it('without keepExisting writes unconditionally (a job replaces its own default path)', async () => {
    const { store } = await storeFor(RacingStore);
    await store.put((await finished(1000)).path, 'raced/own.mp4');
    const again = await finished(2000);
    expect(await store.put(again.path, 'raced/own.mp4')).toEqual({ key: 'raced/own.mp4', size: 2000 });
  });

  it('an abort after the upload finished changes nothing', async () => {
    const { store } = await storeFor(S3MediaStore);
    const { path, data } = await finished(3000);
    const upload = store.upload(path, 'late/abort.mp4');
    expect(await upload.done).toEqual({ key: 'late/abort.mp4', size: data.length });
    await upload.abort();
    expect((await store.stat('late/abort.mp4'))?.size).toBe(data.length);
  });

  it('is what createMediaStore builds for STORAGE_BACKEND=s3 (and the folder store for local)', async () => {
    expect(await createMediaStore({ backend: 'local', storageDir: scratch })).toBeInstanceOf(LocalMediaStore);
    const bucket = await s3.createBucket();
    const store = await createMediaStore({
      backend: 's3',
      storageDir: scratch,
      s3: { ...s3.clientSettings(bucket, 'p'), publicDownloads: true },
    });
    expect(store).toBeInstanceOf(S3MediaStore);
    const { path } = await finished(1234);
    await store.put(path, 'made/by-config.mp4');
    const listed = await (store as S3MediaStore).client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['p/made/by-config.mp4']);
  });

  it('sweeps an upload another worker aborted between the listing and its own abort without failing, and goes on with the rest', async () => {
    const { store, bucket } = await storeFor(S3MediaStore);
    const ids: string[] = [];
    for (const key of ['crashed/a.mp4', 'crashed/b.mp4'])
      ids.push((await store.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId ?? '');
    // the other worker wins the race for the first upload: it is gone when this store's abort arrives
    const send = store.client.send.bind(store.client);
    let raced = false;
    store.client.send = (async (command: unknown) => {
      if (command instanceof AbortMultipartUploadCommand && !raced) {
        raced = true;
        await send(new AbortMultipartUploadCommand({ ...command.input }));
      }
      return send(command as never);
    }) as typeof store.client.send;
    expect(await store.abortIncompleteUploads(new Date(Date.now() + 60_000))).toBe(1);
    expect(raced).toBe(true);
    expect(await store.incompleteUploads()).toEqual([]);
    expect(ids).toHaveLength(2);
  });
});
