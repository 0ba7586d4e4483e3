import { Inject, Injectable } from '@nestjs/common';
import type { FINAL_STATUSES } from '@mda/contracts';
import { Logger, errorFields } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';

/** A job reached a final status (told on every delivery of its final event, not only the first). */
export interface JobFinished {
  request_id: string;
  status: (typeof FINAL_STATUSES)[number];
  batch_id: string | null;
}

type Listener<T> = (event: T) => Promise<void> | void;

/**
 * The jobs module's in-process announcements, so the features that react to a job (batches,
 * playlists' archive, retention, the events stream) subscribe here instead of being called by the
 * jobs module or importing each other:
 * - `job changed`: the store holds a new state of the job worth showing (best effort: a listener
 *   that fails is logged, the change stays stored);
 * - `job finished`: follow-ups that must happen before the worker's event is acked. A failing
 *   listener fails the announcement, so the event is redelivered and every listener runs again:
 *   listeners must be idempotent.
 */
@Injectable()
export class JobLifecycle {
  private readonly changedListeners: Array<Listener<string>> = [];
  private readonly finishedListeners: Array<Listener<JobFinished>> = [];

  constructor(@Inject(GATEWAY_LOGGER) private readonly logger: Logger) {}

  onChanged(listener: Listener<string>): void {
    this.changedListeners.push(listener);
  }

  onFinished(listener: Listener<JobFinished>): void {
    this.finishedListeners.push(listener);
  }

  async changed(requestId: string): Promise<void> {
    for (const listener of this.changedListeners) {
      try {
        await listener(requestId);
      } catch (err) {
        this.logger.warn({ request_id: requestId, err: errorFields(err).message }, 'job change not announced');
      }
    }
  }

  /** In order of subscription; the first failure stops the rest and is thrown (the event is redelivered). */
  async finished(event: JobFinished): Promise<void> {
    for (const listener of this.finishedListeners) await listener(event);
  }
}
