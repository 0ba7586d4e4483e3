import { Clock } from '@mda/contracts';

/** A clock that stands still until the test moves it. */
export class ManualClock extends Clock {
  constructor(private ms: number) {
    super();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
