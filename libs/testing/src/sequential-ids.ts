import { IdGenerator } from '@mda/contracts';

/** Ids a test can predict: req_000000000001, batch_000000000001, msg_000000000001 (the contracts' id patterns), … (each kind counts on its own). */
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
    return `${kind}_${String(++this.next[kind]).padStart(12, '0')}`;
  }
}
