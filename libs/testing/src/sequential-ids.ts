import { IdGenerator } from '@mda/contracts';

/** Ids that count up (`req_000000000001`, `msg_00000000000000000001`): predictable in assertions, valid for every schema. */
export class SequentialIds extends IdGenerator {
  private n = 0;

  requestId(): string {
    return `req_${this.next(12)}`;
  }

  batchId(): string {
    return `batch_${this.next(12)}`;
  }

  messageId(): string {
    return `msg_${this.next(20)}`;
  }

  private next(width: number): string {
    this.n += 1;
    return String(this.n).padStart(width, '0');
  }
}
