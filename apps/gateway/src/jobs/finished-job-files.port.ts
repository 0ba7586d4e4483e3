import { ApiKeyIdentity } from '../common/api-keys';

/**
 * Port: DELETE /api/v1/download/{id}?delete_file=true on a finished job. Declared beside the job
 * store; the library feature (which owns file removal) implements and binds it (LibraryModule), so
 * the downloads feature asks without importing the library.
 */
export abstract class FinishedJobFiles {
  /**
   * The key's finished job with its files removed (a completed one) or as it is (failed, cancelled),
   * counting files removed and bytes freed; undefined while the job is not final (the caller cancels it).
   */
  abstract finishedJob(requestId: string, who: ApiKeyIdentity): Promise<object | undefined>;
}
