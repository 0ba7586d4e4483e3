import { IdGenerator } from '@mda/contracts';

/**
 * Ids that count up, each kind on its own (`req_000000000001`, `batch_000000000001`,
 * `msg_00000000000000000001`): predictable in assertions, as long as the real ones, valid for every schema.
 */
export class SequentialIds extends IdGenerator {
  private readonly counts = { req: 0, batch: 0, msg: 0 };

  requestId(): string {
    return this.next('req', 12);
  }

  batchId(): string {
    return this.next('batch', 12);
  }

  messageId(): string {
    return this.next('msg', 20);
  }

  private next(kind: keyof SequentialIds['counts'], width: number): string {
    this.counts[kind] += 1;
    return `${kind}_${String(this.counts[kind]).padStart(width, '0')}`;
  }
}
