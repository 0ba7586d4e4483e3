/** Whether the job store says a job was cancelled while it waited in the queue. */
export abstract class CancellationCheck {
  /** Never throws: when the store cannot be asked, the answer is false (the job runs; a later cancel still stops it). */
  abstract wasCancelled(requestId: string): Promise<boolean>;
}
