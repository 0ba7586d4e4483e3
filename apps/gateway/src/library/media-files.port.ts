/** Where the gateway removes stored files (deletion and retention); the storage backend stands behind it. */
export abstract class MediaFiles {
  /** Removes the files at these stored paths; a path already gone counts as removed. Returns how many existed. */
  abstract remove(paths: string[]): Promise<number>;
}
