/** The result of checking the media store: usable, or the reason it is not (an errno code and message). */
export type StoreCheck = { usable: true } | { usable: false; reason: string };

/** The worker's media folder, as far as jobs need it: can files be created and removed there? */
export abstract class MediaStore {
  /** Never throws. */
  abstract check(): Promise<StoreCheck>;
}

/** Pauses and resumes this worker's consumption of download jobs. */
export interface JobIntake {
  pause(): Promise<void>;
  resume(): Promise<void>;
}
