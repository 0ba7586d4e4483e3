export interface JobCookieFile {
  /** A Netscape cookies file readable by this user only. */
  path: string;
  /** Removes the file and its private folder. */
  dispose(): Promise<void>;
}

/** Opens a job's sealed cookies into a file only that job's tools read. */
export abstract class JobCookieFiles {
  /** Throws `invalid_request` when the cookies cannot be opened here (no key, another key, another job). */
  abstract write(requestId: string, sealed: string): Promise<JobCookieFile>;
}
