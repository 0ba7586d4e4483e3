import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { ScheduledTask, ScheduledTasksRepository } from './scheduled-tasks.repository';
import { backoffDelayMs } from './timing';

/** What a task's run decides: run again at a time, or never (the row goes). */
export type TaskOutcome = { next: 'at'; at: Date } | { next: 'done' };

export interface TaskHandler {
  run(task: ScheduledTask): Promise<TaskOutcome>;
}

export interface SchedulerOptions {
  pollMs: number;
  leaseMs: number;
  /** Tasks one replica runs at once. */
  batch: number;
}

export const SCHEDULER_OPTIONS = 'SCHEDULER_OPTIONS';
export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { pollMs: 1000, leaseMs: 30_000, batch: 4 };

/** Thrown by a manual run when another run holds the task. */
export class TaskBusyError extends Error {}

/**
 * Runs durable due-times from the job store on every gateway replica: each poll claims a few due
 * tasks under a lease (renewed while they run), runs their kind's handler, then reschedules or
 * finishes them; a failure is due again after an exponential backoff with jitter. A replica that
 * dies mid-run loses nothing: its lease runs out and another replica (or itself, restarted) takes over.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, TaskHandler>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopped = false;
  private readonly running = new Set<Promise<unknown>>();
  private readonly listeners: Array<(kind: string, outcome: 'ok' | 'failed', lagMs: number) => void> = [];

  constructor(
    private readonly tasks: ScheduledTasksRepository,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(SCHEDULER_OPTIONS) private readonly opts: SchedulerOptions,
  ) {}

  /** One handler per kind: a second registration is a programming error, found at start. */
  register(kind: string, handler: TaskHandler): void {
    if (this.handlers.has(kind)) throw new Error(`scheduled task kind ${kind} has two handlers`);
    this.handlers.set(kind, handler);
  }

  /** Told after every run (metrics): the task's kind, how it went, how late it started. */
  onRun(listener: (kind: string, outcome: 'ok' | 'failed', lagMs: number) => void): void {
    this.listeners.push(listener);
  }

  onApplicationBootstrap(): void {
    this.nextPoll();
  }

  /**
   * Polls every pollMs on average, each wait drawn from 0.5–1.5 × pollMs: replicas that started in
   * step do not stay in step, so the replica whose timer happens to fire first does not win every claim.
   */
  private nextPoll(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        void this.poll();
        this.nextPoll();
      },
      this.opts.pollMs * (0.5 + Math.random()),
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // a run cut short keeps its lease until it runs out; let the ones under way finish
    await Promise.allSettled([...this.running]);
  }

  async schedule(taskId: string, kind: string, ref: string, dueAt: Date): Promise<void> {
    await this.tasks.schedule({ task_id: taskId, kind, ref, due_at: dueAt.toISOString() }, this.clock.now().toISOString());
  }

  async cancel(taskId: string): Promise<void> {
    await this.tasks.remove(taskId);
  }

  /** Claims and runs whatever is due now (the timer calls it; tests may too). */
  async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const now = this.clock.now();
      const claimed = await this.tasks.claimDue(now.toISOString(), new Date(now.getTime() + this.opts.leaseMs).toISOString(), this.opts.batch);
      await Promise.all(claimed.map((t) => this.track(this.execute(t))));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'scheduler poll failed; the next poll retries');
    } finally {
      this.polling = false;
    }
  }

  /**
   * Runs `fn` now under the task's lease, due or not (a manual check), then reschedules the task
   * at the time `fn` gives. Throws TaskBusyError when another run holds the lease or the task is missing.
   */
  async runNow<T>(taskId: string, fn: () => Promise<{ result: T; next: Date }>): Promise<T> {
    const now = this.clock.now();
    const task = await this.tasks.claimNow(taskId, now.toISOString(), new Date(now.getTime() + this.opts.leaseMs).toISOString());
    if (!task) throw new TaskBusyError(`task ${taskId} is running`);
    const token = task.lease_token!;
    const renew = this.renewing(task);
    const run = (async () => {
      try {
        const { result, next } = await fn();
        await this.tasks.reschedule(taskId, token, next.toISOString(), this.clock.now().toISOString());
        return result;
      } catch (err) {
        const at = this.clock.now();
        await this.tasks
          .fail(
            taskId,
            token,
            new Date(at.getTime() + backoffDelayMs(task.failures + 1)).toISOString(),
            (err as Error).message ?? String(err),
            at.toISOString(),
          )
          .catch(() => undefined);
        throw err;
      } finally {
        clearInterval(renew);
      }
    })();
    return this.track(run);
  }

  private renewing(task: ScheduledTask): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        const now = this.clock.now();
        void this.tasks
          .renew(task.task_id, task.lease_token!, new Date(now.getTime() + this.opts.leaseMs).toISOString(), now.toISOString())
          .catch(() => undefined);
      },
      Math.max(100, Math.floor(this.opts.leaseMs / 3)),
    );
    timer.unref();
    return timer;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  private async execute(task: ScheduledTask): Promise<void> {
    const token = task.lease_token!;
    const lagMs = Math.max(0, this.clock.now().getTime() - Date.parse(task.due_at));
    const renew = this.renewing(task);
    const handler = this.handlers.get(task.kind);
    try {
      if (!handler) throw new Error(`no handler for scheduled task kind ${task.kind}`);
      const outcome = await handler.run(task);
      const now = this.clock.now().toISOString();
      if (outcome.next === 'done') await this.tasks.finish(task.task_id, token);
      else await this.tasks.reschedule(task.task_id, token, outcome.at.toISOString(), now);
      for (const l of this.listeners) l(task.kind, 'ok', lagMs);
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      const now = this.clock.now();
      const due = new Date(now.getTime() + backoffDelayMs(task.failures + 1));
      await this.tasks.fail(task.task_id, token, due.toISOString(), message, now.toISOString()).catch(() => undefined);
      this.logger.warn(
        { task_id: task.task_id, kind: task.kind, failures: task.failures + 1, retry_at: due.toISOString(), err: message },
        'scheduled task failed; backing off',
      );
      for (const l of this.listeners) l(task.kind, 'failed', lagMs);
    } finally {
      clearInterval(renew);
    }
  }
}
