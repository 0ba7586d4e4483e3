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

// random bytes are drawn from the OS in 4 KiB blocks: one randomBytes call per id cost about a
// twentieth of the gateway's accept path and of the sender's delivery path
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function nextRandomByte(): number {
  if (poolOffset >= pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  return pool[poolOffset++];
}

/** `length` random lowercase letters and digits (unbiased: bytes of 252 and up are skipped). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = nextRandomByte();
    if (b < 252) out += ALPHABET[b % 36];
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
