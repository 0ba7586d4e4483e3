import type { JobChanged } from '@mda/contracts';

/** Tells every gateway replica that a job change was recorded (so their streams read it now, not at the next poll). */
export abstract class JobChangeAnnouncer {
  abstract announce(change: JobChanged): Promise<void>;
}
