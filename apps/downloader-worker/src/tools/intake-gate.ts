import { JobIntake } from '../download/ports/media-store';

/**
 * One job consumer, several reasons to pause it (media store unusable, a tool missing): it is
 * paused while any holds and resumed when the last one clears.
 */
export class IntakeGate {
  private readonly holds = new Set<string>();
  private intake?: JobIntake;

  attach(intake: JobIntake): void {
    this.intake = intake;
  }

  /** The intake one monitor sees: its pause and resume are its vote. */
  for(reason: string): JobIntake {
    return {
      pause: async () => {
        const first = this.holds.size === 0;
        this.holds.add(reason);
        if (first) await this.intake?.pause();
      },
      resume: async () => {
        if (!this.holds.delete(reason) || this.holds.size > 0) return;
        await this.intake?.resume();
      },
    };
  }
}
