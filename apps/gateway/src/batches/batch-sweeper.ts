import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { BatchDispatcher } from './batch-dispatcher.service';
import { BatchesRepository } from './batches.repository';

const SWEEP_EVERY_MS = 5_000;

/**
 * Looks at every open batch now and then, so nothing depends on this process having lived
 * through an event: a release claimed but never published, or a batch.completed not yet out
 * when a replica died, is finished by whichever replica sweeps next.
 */
@Injectable()
export class BatchSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly batches: BatchesRepository,
    private readonly dispatcher: BatchDispatcher,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const id of await this.batches.openBatchIds()) await this.dispatcher.advance(id);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'batch sweep failed; next sweep retries');
    } finally {
      this.running = false;
    }
  }
}
