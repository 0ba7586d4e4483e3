/**
 * The jobs' scratch space for partial files (`STORAGE_DIR/.partial/<request id>`): what a
 * downloader writes while it works, never served, removed when the job ends.
 */
export abstract class WorkArea {
  /** An empty folder for the job (what an earlier attempt left there is removed first); returns its path. */
  abstract prepare(requestId: string): Promise<string>;
  /** Writes a file the worker makes itself (the `.nfo`) into the job's folder; returns its path. */
  abstract write(requestId: string, name: string, content: string): Promise<string>;
  /** Removes the job's folder and everything in it. */
  abstract clean(requestId: string): Promise<void>;
  /** Removes the job folders last changed before `before` (left by a worker that died); returns how many. */
  abstract sweep(before: Date): Promise<number>;
}
