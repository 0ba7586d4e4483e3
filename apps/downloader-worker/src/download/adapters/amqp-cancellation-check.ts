import { JOB_STATUS_REPLY_TYPE, JobStatusQuery, ROUTING_KEYS, parseMessage } from '@mda/contracts';
import { AmqpConnection, EventPublisher, RpcClient } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { CancellationCheck } from '../ports/cancellation-check';

/**
 * Asks the gateway (owner of the job store) over `job.status.requested` with direct reply-to.
 * A job is started when the gateway does not answer in time: a stopped gateway must not stop downloads.
 */
export class AmqpCancellationCheck extends CancellationCheck {
  private readonly rpc: RpcClient;

  constructor(
    connection: AmqpConnection,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
    private readonly timeoutMs = 3000,
  ) {
    super();
    this.rpc = new RpcClient(connection, 'job-status');
  }

  async wasCancelled(requestId: string): Promise<boolean> {
    const query: JobStatusQuery = { request_id: requestId };
    try {
      const env = this.events.envelope(ROUTING_KEYS.jobStatusRequested, query, requestId);
      const raw = await this.rpc.request(env, this.timeoutMs);
      const reply = parseMessage(raw, [JOB_STATUS_REPLY_TYPE]);
      if (!reply.ok) throw new Error(reply.error);
      return reply.value.data.status === 'cancelled';
    } catch (err) {
      this.logger.warn({ request_id: requestId, err: (err as Error).message }, 'job store not asked about cancellation; starting the job');
      return false;
    }
  }

  async close(): Promise<void> {
    await this.rpc.close();
  }
}
