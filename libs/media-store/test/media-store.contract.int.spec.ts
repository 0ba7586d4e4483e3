import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { InvalidKeyError, LocalMediaStore, MediaStore, UploadAbortedError } from '../src';
import { S3MediaStore } from '../src/s3-media-store';
import { LocalS3Server, startS3Server } from '@mda/testing';

/**
 * One contract, every adapter: what the worker and the gateway may rely on whichever store is
 * configured. The S3 adapter runs against a real S3-protocol server (s3rver) on 127.0.0.1.
 */

interface Subject {
  store: MediaStore;
  /** Leaves an upload of `key` as a crashed writer would: started, some bytes sent, never finished. */
  crashUpload(key: string): Promise<void>;
  /** Incomplete uploads as the backend itself reports them (S3: ListMultipartUploads on the whole bucket). */
  backendIncompleteUploads(): Promise<number>;
}

interface Adapter {
  name: string;
  /** Progress comes part by part (not only at the end), so an upload can be aborted midway. */
  midwayProgress: boolean;
  presigns: boolean;
  make(): Promise<Subject>;
}

const MIB = 1024 * 1024;
let scratch: string;
let s3: LocalS3Server;
const cleanups: Array<() => void> = [];

function localAdapter(name: string, copy: boolean): Adapter {
  return {
    name,
    midwayProgress: copy,
    presigns: false,
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'mda-store-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const store = new LocalMediaStore(dir, { copy });
      return {
        store,
        async crashUpload(key) {
          const file = join(dir, '.partial', '.uploads', `crashed-${randomBytes(4).toString('hex')}`, key);
          await mkdir(join(file, '..'), { recursive: true });
          await writeFile(file, randomBytes(1000));
        },
        backendIncompleteUploads: async () => (await store.incompleteUploads()).length,
      };
    },
  };
}

const s3Adapter: Adapter = {
  name: 's3 (s3rver)',
  midwayProgress: true,
  presigns: true,
  async make() {
    const bucket = await s3.createBucket();
    const store = new S3MediaStore({
      ...s3.clientSettings(bucket),
      partSize: 5 * MIB,
      queueSize: 1,
    });
    // an object beside the store's prefix: never listed, never reachable by a key
    await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/outside.txt', Body: 'not the store' }));
    return {
      store,
      async crashUpload(key) {
        const { UploadId } = await store.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `media/${key}` }));
        await store.client.send(new UploadPartCommand({ Bucket: bucket, Key: `media/${key}`, UploadId, PartNumber: 1, Body: randomBytes(1000) }));
      },
      backendIncompleteUploads: async () => (await store.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0,
    };
  },
};

const adapters: Adapter[] = [localAdapter('local (rename)', false), localAdapter('local (copy in)', true), s3Adapter];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'mda-scratch-'));
  s3 = await startS3Server();
});

afterAll(async () => {
  await s3?.close();
  rmSync(scratch, { recursive: true, force: true });
  for (const c of cleanups) c();
});

/** A finished download in the scratch folder. */
async function finished(bytes: Buffer | number): Promise<{ path: string; data: Buffer }> {
  const data = typeof bytes === 'number' ? randomBytes(bytes) : bytes;
  const path = join(scratch, `file-${randomBytes(6).toString('hex')}.bin`);
  await writeFile(path, data);
  return { path, data };
}

/** The object's bytes, read through the store; throws when there is no such object. */
async function contentOf(store: MediaStore, key: string): Promise<Buffer> {
  const opened = await store.read(key);
  if (!opened) throw new Error(`no object ${key}`);
  return drain(opened.body);
}

function present<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error('expected a value');
  return v;
}

async function drain(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe.each(adapters)('MediaStore contract: $name', (adapter) => {
  let subject: Subject;
  let store: MediaStore;

  beforeAll(async () => {
    subject = await adapter.make();
    store = subject.store;
  });

  it('stores a finished file under its key, consuming the local file, and reads back the exact bytes', async () => {
    const { path, data } = await finished(300_000);
    const progress: Array<[number, number]> = [];
    const placed = await store.put(path, 'videos/video-abc.mp4', { contentType: 'video/mp4', onProgress: (s, t) => progress.push([s, t]) });
    expect(placed).toEqual({ key: 'videos/video-abc.mp4', size: data.length });
    expect(existsSync(path)).toBe(false);
    expect(progress.at(-1)).toEqual([data.length, data.length]);
    const info = await store.stat('videos/video-abc.mp4');
    expect(info).toMatchObject({ key: 'videos/video-abc.mp4', size: data.length });
    expect(info?.etag).toMatch(/^"[^"]+"$/);
    expect(await store.exists('videos/video-abc.mp4')).toBe(true);
    const opened = await store.read('videos/video-abc.mp4');
    expect(opened).toMatchObject({ size: data.length, etag: info?.etag });
    expect(opened?.range).toBeUndefined();
    expect((await drain(present(opened).body)).equals(data)).toBe(true);
  });

  it('normalises keys the way a path resolves (a/./b, a/x/../b)', async () => {
    const { path, data } = await finished(1000);
    expect((await store.put(path, 'norm/./x/../file.txt')).key).toBe('norm/file.txt');
    expect((await contentOf(store, 'norm/file.txt')).equals(data)).toBe(true);
  });

  it('streams byte ranges, clipping the end to the object and refusing a start past it', async () => {
    const { path, data } = await finished(100_000);
    await store.put(path, 'ranges/file.bin');
    const mid = await store.read('ranges/file.bin', { start: 10, end: 99 });
    expect(mid).toMatchObject({ size: data.length, range: { start: 10, end: 99 } });
    expect((await drain(present(mid).body)).equals(data.subarray(10, 100))).toBe(true);
    const tail = await store.read('ranges/file.bin', { start: 99_990, end: 200_000 });
    expect(tail?.range).toEqual({ start: 99_990, end: 99_999 });
    expect((await drain(present(tail).body)).equals(data.subarray(99_990))).toBe(true);
    await expect(store.read('ranges/file.bin', { start: 100_000, end: 100_010 })).rejects.toThrow(RangeError);
  });

  it('answers null for a missing object and false when deleting one', async () => {
    expect(await store.read('missing/none.mp4')).toBeNull();
    expect(await store.stat('missing/none.mp4')).toBeNull();
    expect(await store.exists('missing/none.mp4')).toBe(false);
    expect(await store.delete('missing/none.mp4')).toBe(false);
  });

  it('deletes an object: gone from reads and listings', async () => {
    const { path } = await finished(2000);
    await store.put(path, 'deleting/gone.mp4');
    expect(await store.delete('deleting/gone.mp4')).toBe(true);
    expect(await store.read('deleting/gone.mp4')).toBeNull();
    expect(await store.list('deleting/')).toEqual([]);
    expect(await store.delete('deleting/gone.mp4')).toBe(false);
  });

  it('lists by prefix, sorted, with sizes and the same ETag a read gives', async () => {
    for (const key of ['lst/a/x.mp4', 'lst/a/b/y.mp4', 'lst/ab/z.mp4', 'lst/c.mp4']) await store.put((await finished(key.length * 10)).path, key);
    const underA = await store.list('lst/a/');
    expect(underA.map((o) => o.key)).toEqual(['lst/a/b/y.mp4', 'lst/a/x.mp4']);
    expect(underA.map((o) => o.size)).toEqual([130, 110]);
    expect(underA[1].etag).toBe((await store.stat('lst/a/x.mp4'))?.etag);
    expect((await store.list('lst/a')).map((o) => o.key)).toEqual(['lst/a/b/y.mp4', 'lst/a/x.mp4', 'lst/ab/z.mp4']);
    expect((await store.list('lst/')).map((o) => o.key)).toEqual(['lst/a/b/y.mp4', 'lst/a/x.mp4', 'lst/ab/z.mp4', 'lst/c.mp4']);
    const all = (await store.list('')).map((o) => o.key);
    expect(all).toEqual(expect.arrayContaining(['lst/c.mp4', 'videos/video-abc.mp4']));
    expect(all.some((k) => k.includes('outside') || k.startsWith('.'))).toBe(false);
  });

  it('replaces an existing object by default (a redelivered job writes its own path again)', async () => {
    await store.put((await finished(500)).path, 'replace/video.mp4');
    const second = await finished(700);
    expect(await store.put(second.path, 'replace/video.mp4')).toEqual({ key: 'replace/video.mp4', size: 700 });
    expect((await contentOf(store, 'replace/video.mp4')).equals(second.data)).toBe(true);
    expect((await store.list('replace/')).length).toBe(1);
  });

  it('keeps an existing object when asked and names the newcomer with -<suffix> before the extension', async () => {
    const first = await finished(500);
    const second = await finished(600);
    const third = await finished(50);
    expect((await store.put(first.path, 'shared/Title [x].mp4', { keepExisting: true, suffix: 'job1' })).key).toBe('shared/Title [x].mp4');
    expect(await store.put(second.path, 'shared/Title [x].mp4', { keepExisting: true, suffix: 'job2' })).toEqual({
      key: 'shared/Title [x]-job2.mp4',
      size: 600,
    });
    expect((await store.put(third.path, 'shared/Title [x].en.vtt', { keepExisting: true, suffix: 'job2' })).key).toBe('shared/Title [x].en.vtt');
    expect((await store.put((await finished(40)).path, 'shared/Title [x].en.vtt', { keepExisting: true, suffix: 'job3' })).key).toBe(
      'shared/Title [x].en-job3.vtt',
    );
    expect((await contentOf(store, 'shared/Title [x].mp4')).equals(first.data)).toBe(true);
    expect((await contentOf(store, 'shared/Title [x]-job2.mp4')).equals(second.data)).toBe(true);
    expect(existsSync(second.path)).toBe(false);
  });

  it.each(['../escape.mp4', 'a/../../escape.mp4', '/abs/file.mp4', '.partial/req_x/file.mp4', 'a/./../.partial/f.mp4', '', 'bad\u0000name.mp4', 'folder/'])(
    'refuses the key %j with InvalidKeyError, changing nothing',
    async (key) => {
      const { path } = await finished(100);
      const before = (await store.list('')).length;
      await expect(store.put(path, key)).rejects.toThrow(InvalidKeyError);
      expect(existsSync(path)).toBe(true);
      expect((await store.list('')).length).toBe(before);
      await expect(store.read(key)).rejects.toThrow(InvalidKeyError);
    },
  );

  it('an upload aborted before it starts leaves no object and no incomplete upload', async () => {
    const { path } = await finished(2 * MIB);
    const upload = store.upload(path, 'aborted/early.mp4');
    await upload.abort();
    await expect(upload.done).rejects.toThrow(UploadAbortedError);
    expect(await store.stat('aborted/early.mp4')).toBeNull();
    expect(await store.incompleteUploads()).toEqual([]);
    expect(await subject.backendIncompleteUploads()).toBe(0);
  });

  if (adapter.midwayProgress) {
    it('a multipart upload cancelled midway is aborted: no object, no incomplete upload on the backend', async () => {
      const { path } = await finished(24 * MIB);
      let sent = 0;
      let abortDone: Promise<void> | undefined;
      const upload = store.upload(path, 'aborted/midway.mp4', {
        onProgress: (s, total) => {
          sent = s;
          if (s > 0 && s < total && !abortDone) abortDone = upload.abort();
        },
      });
      await expect(upload.done).rejects.toThrow(UploadAbortedError);
      await abortDone;
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(24 * MIB);
      expect(await store.stat('aborted/midway.mp4')).toBeNull();
      expect(await store.incompleteUploads()).toEqual([]);
      expect(await subject.backendIncompleteUploads()).toBe(0);
    });
  }

  it("lists a crashed writer's incomplete upload and aborts it by age", async () => {
    await subject.crashUpload('crashed/video.mp4');
    expect(await store.incompleteUploads()).toEqual(['crashed/video.mp4']);
    expect(await store.abortIncompleteUploads(new Date(Date.now() - 3600_000))).toBe(0); // too young
    expect(await store.incompleteUploads()).toEqual(['crashed/video.mp4']);
    expect(await store.abortIncompleteUploads(new Date(Date.now() + 60_000))).toBe(1);
    expect(await store.incompleteUploads()).toEqual([]);
    expect(await subject.backendIncompleteUploads()).toBe(0);
    expect(await store.stat('crashed/video.mp4')).toBeNull();
  });

  it(
    adapter.presigns
      ? 'hands out a presigned GET that serves the bytes as an attachment named after the file'
      : 'hands out no presigned URL (the gateway serves the file)',
    async () => {
      const { path, data } = await finished(5000);
      await store.put(path, 'presign/Clip ü.mp4');
      const url = await store.presignedGetUrl('presign/Clip ü.mp4', { expiresInSec: 60, filename: 'Clip ü.mp4' });
      if (!adapter.presigns) {
        expect(url).toBeNull();
        return;
      }
      const res = await fetch(present(url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Clip _.mp4"; filename*=UTF-8''Clip%20%C3%BC.mp4`);
      expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
      const tampered = new URL(present(url));
      tampered.pathname = tampered.pathname.replace('Clip', 'Clap');
      expect((await fetch(tampered)).status).toBeGreaterThanOrEqual(400);
    },
  );

  it('stores and reads an empty file', async () => {
    const { path } = await finished(0);
    expect(await store.put(path, 'empty/none.txt')).toEqual({ key: 'empty/none.txt', size: 0 });
    const opened = await store.read('empty/none.txt');
    expect(opened?.size).toBe(0);
    expect((await drain(present(opened).body)).length).toBe(0);
  });
});
