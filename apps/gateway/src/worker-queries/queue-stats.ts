/** Messages ready and consumers attached, per queue. */
export interface QueueDepth {
  messages: number;
  consumers: number;
}

/** Port: the broker's view of the queues that carry work. Null when the broker cannot say. */
export abstract class QueueStats {
  abstract depths(): Promise<Record<string, QueueDepth> | null>;
}
