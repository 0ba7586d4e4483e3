import type { WebhookAttempted } from '@mda/contracts';

/**
 * Where attempt records go (the gateway's delivery log). `record` resolves once the record is
 * safe with the broker, and rejects when it is not: a delivery is acknowledged only after its
 * attempt's record resolved.
 */
export abstract class AttemptLog {
  abstract record(attempt: WebhookAttempted): Promise<void>;
}
