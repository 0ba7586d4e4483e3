/**
 * Runs tasks that share a key one after another, in the order they arrived, and tasks with
 * different keys concurrently. The delivery consumer takes many messages at once (prefetch); a
 * lane per job keeps a job's first attempts in publish order (started before progress, final
 * last) without making other jobs wait. A failed attempt leaves its lane at once, since its retry
 * waits in a broker tier, not here: a retrying event never blocks the events behind it.
 */
export class JobLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string | null, task: () => Promise<T>): Promise<T> {
    if (key === null) return task();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // the last task of a lane removes it, so the map holds only jobs with work in flight
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.tails.size;
  }
}
