import { mkdtempSync, readdirSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealCookies, parseCookieKey } from '@mda/contracts';
import { DownloadError } from '../../download/ports/media-downloader';
import { NodeFsJobCookieFiles } from './node-fs-job-cookie-files';

const KEY = 'ab'.repeat(32);
const TEXT = '# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tsecret\n';

describe('NodeFsJobCookieFiles (real file system)', () => {
  const base = mkdtempSync(join(tmpdir(), 'mda-cookie-test-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('writes the cookies 0600 in a private folder and removes them on dispose', async () => {
    const files = new NodeFsJobCookieFiles(KEY, base);
    const f = await files.write('req_aaaaaaaaaaaa', sealCookies(parseCookieKey(KEY), TEXT, 'req_aaaaaaaaaaaa'));
    expect(readFileSync(f.path, 'utf8')).toBe(TEXT);
    expect(statSync(f.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(f.path, '..')).mode & 0o077).toBe(0);
    await f.dispose();
    expect(readdirSync(base)).toEqual([]);
  });

  it('refuses cookies sealed for another job, and a missing key, as an invalid_request failure', async () => {
    const sealed = sealCookies(parseCookieKey(KEY), TEXT, 'req_otherotherot');
    await expect(new NodeFsJobCookieFiles(KEY, base).write('req_aaaaaaaaaaaa', sealed)).rejects.toThrow(DownloadError);
    const err = await new NodeFsJobCookieFiles(undefined, base).write('req_otherotherot', sealed).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/COOKIE_ENCRYPTION_KEY is not set/) });
    expect(readdirSync(base)).toEqual([]);
  });
});
