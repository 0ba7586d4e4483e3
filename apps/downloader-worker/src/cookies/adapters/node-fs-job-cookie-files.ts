import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieKeyError, openCookies, parseCookieKey } from '@mda/contracts';
import { DownloadError } from '../../download/ports/media-downloader';
import { JobCookieFile, JobCookieFiles } from '../ports/job-cookie-files';

/**
 * Opens a job's sealed cookies (bound to its request id) into a 0600 file in a private temp
 * folder outside the media folder, for that job only. The key is checked when a job needs it.
 */
export class NodeFsJobCookieFiles extends JobCookieFiles {
  constructor(
    private readonly keyHex: string | undefined,
    private readonly baseDir: string = tmpdir(),
  ) {
    super();
  }

  async write(requestId: string, sealed: string): Promise<JobCookieFile> {
    let text: string;
    try {
      text = openCookies(parseCookieKey(this.keyHex), sealed, requestId);
    } catch (err) {
      const why = err instanceof CookieKeyError ? err.message : 'they were sealed with another COOKIE_ENCRYPTION_KEY or for another job';
      throw new DownloadError('invalid_request', `The job's cookies cannot be opened on this worker: ${why}`);
    }
    const dir = await mkdtemp(join(this.baseDir, 'mda-cookies-'));
    const path = join(dir, 'cookies.txt');
    try {
      await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
}
