import { IdGenerator } from '@mda/contracts';

/** Ids a test can predict: req_000001, batch_000001, msg_000001, … (each kind counts on its own). */
export class SequentialIds extends IdGenerator {
  private readonly next = { req: 0, batch: 0, msg: 0 };

  requestId(): string {
    return this.take('req');
  }

  batchId(): string {
    return this.take('batch');
  }

  messageId(): string {
    return this.take('msg');
  }

  private take(kind: keyof SequentialIds['next']): string {
    return `${kind}_${String(++this.next[kind]).padStart(6, '0')}`;
  }
}
