import { MAX_ATTEMPTS_PER_BATCH, ROUTING_KEYS, WebhookAttempted } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { ConfirmedBatches } from '../confirmed-batches';
import { AttemptLog } from '../ports/attempt-log';

/** Confirmed batch publishes under way at once: enough to keep the broker busy, few enough that records pile into big messages under load. */
const MAX_IN_FLIGHT = 2;

/**
 * AttemptLog on the broker: records go out together as `webhook.attempted.batch` messages (one
 * message, one confirm and one gateway transaction for many attempts), each record resolving when
 * the message that carries it is confirmed.
 */
export class AmqpAttemptLog extends AttemptLog {
  private readonly batches: ConfirmedBatches<WebhookAttempted>;

  constructor(events: EventPublisher, opts: { maxPerMessage?: number; maxInFlight?: number } = {}) {
    super();
    this.batches = new ConfirmedBatches(
      async (attempts) => {
        await events.publish(ROUTING_KEYS.webhookAttemptedBatch, { attempts }, attempts[0].request_id ?? attempts[0].event_id);
      },
      { maxItems: Math.min(opts.maxPerMessage ?? MAX_ATTEMPTS_PER_BATCH, MAX_ATTEMPTS_PER_BATCH), maxInFlight: opts.maxInFlight ?? MAX_IN_FLIGHT },
    );
  }

  record(attempt: WebhookAttempted): Promise<void> {
    return this.batches.add(attempt);
  }
}
