import { JobCookieFile, JobCookieFiles } from '../../src/cookies/ports/job-cookie-files';
import { CancellationCheck } from '../../src/download/ports/cancellation-check';
import { MediaStore as StoreHealth, StoreCheck } from '../../src/download/ports/media-store';

/** The job store's answer to "was this job cancelled while queued?", set by the test. */
export class FakeCancellationCheck extends CancellationCheck {
  readonly cancelled = new Set<string>();
  readonly asked: string[] = [];
  async wasCancelled(requestId: string): Promise<boolean> {
    this.asked.push(requestId);
    return this.cancelled.has(requestId);
  }
}

/** The media folder's health as the store monitor checks it: usable until the test says why not. */
export class FakeStoreHealth extends StoreHealth {
  unusable: string | undefined;
  async check(): Promise<StoreCheck> {
    return this.unusable ? { usable: false, reason: this.unusable } : { usable: true };
  }
}

/** Cookies "files" that record what was written and disposed. */
export class FakeJobCookieFiles extends JobCookieFiles {
  readonly written: Array<{ requestId: string; sealed: string }> = [];
  readonly disposed: string[] = [];
  async write(requestId: string, sealed: string): Promise<JobCookieFile> {
    this.written.push({ requestId, sealed });
    const path = `/tmp/cookies-${requestId}.txt`;
    return { path, dispose: async () => void this.disposed.push(path) };
  }
}
