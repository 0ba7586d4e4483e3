import { randomBytes } from 'node:crypto';

/** Time, injected so throttles, signatures and schedules are testable without sleeping. */
export abstract class Clock {
  abstract now(): Date;
  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random lowercase letters and digits (unbiased). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

/** Ids, injected for the same reason as the clock. */
export abstract class IdGenerator {
  abstract requestId(): string;
  abstract batchId(): string;
  abstract messageId(): string;
}

export class RandomIdGenerator extends IdGenerator {
  requestId(): string {
    return `req_${randomToken(16)}`;
  }
  batchId(): string {
    return `batch_${randomToken(16)}`;
  }
  messageId(): string {
    return `msg_${randomToken(20)}`;
  }
}
