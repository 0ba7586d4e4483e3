import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageRetryOptions, isTransientStorageError, withStorageRetry } from './storage-retry';

const errno = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe('withStorageRetry', () => {
  const waits: number[] = [];
  const retries: string[] = [];
  const options: StorageRetryOptions = {
    attempts: 4,
    baseDelayMs: 100,
    sleep: async (ms) => void waits.push(ms),
    onRetry: ({ code, attempt }) => void retries.push(`${code}@${attempt}`),
  };
  beforeEach(() => {
    waits.length = 0;
    retries.length = 0;
  });

  it('retries a transient error with doubling waits and returns the result once it works', async () => {
    const codes = ['EBUSY', 'EAGAIN'];
    let calls = 0;
    const result = await withStorageRetry(async () => {
      calls++;
      const code = codes.shift();
      if (code) throw errno(code);
      return 'done';
    }, options);
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
    expect(retries).toEqual(['EBUSY@1', 'EAGAIN@2']);
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    let calls = 0;
    await expect(
      withStorageRetry(async () => {
        calls++;
        throw errno('ESTALE');
      }, options),
    ).rejects.toMatchObject({ code: 'ESTALE' });
    expect(calls).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it.each(['ENOSPC', 'EACCES', 'EROFS', 'ENOTDIR', 'EIO'])('fails at once on %s', async (code) => {
    let calls = 0;
    await expect(
      withStorageRetry(async () => {
        calls++;
        throw errno(code);
      }, options),
    ).rejects.toMatchObject({ code });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('classifies a real file-system error: mkdir under a file is ENOTDIR, not transient', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mda-retry-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      const err = await mkdir(join(dir, 'file', 'sub'), { recursive: true }).catch((e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('ENOTDIR');
      expect(isTransientStorageError(err)).toBe(false);
      expect(isTransientStorageError(new Error('no code'))).toBe(false);
      expect(isTransientStorageError(errno('EMFILE'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
