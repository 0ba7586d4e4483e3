/** One parked message, described without its body (bodies may carry webhook payloads). */
export interface DeadLetter {
  message_id: string | null;
  type: string | null;
  request_id: string | null;
  /** Why it was dead-lettered: the broker's x-death reason (rejected, delivery_limit, expired…) or the sender's reason. */
  reason: string;
  /** The queue it was dead-lettered from. */
  from_queue: string | null;
  dead_lettered_at: string | null;
}

export interface DeadLetterQueue {
  queue: string;
  /** Where a replay sends its messages. */
  replays_to: string;
  messages: number;
  /** The first `limit` messages, oldest first. */
  sample: DeadLetter[];
}

/** The dead-letter queues of the topology: list them, and put their messages back to work. */
export abstract class DeadLetters {
  abstract list(limit: number): Promise<DeadLetterQueue[]>;
  /** Re-publishes up to `limit` messages of `queue` to its source queue; returns how many. */
  abstract replay(queue: string, limit: number): Promise<number>;
}
