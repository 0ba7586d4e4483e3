import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ROUTING_KEYS, WORKER_QUERY_BUSY, WORKER_QUERY_REPLY_TYPE, WorkerQueryInput, WorkerQueryReply, parseMessage, workerQuerySchema } from '@mda/contracts';
import { AmqpConnection, EventPublisher, RpcClient, RpcTimeoutError } from '@mda/messaging';
import { ApiError } from '../common/api-error';
import { DEFAULT_WORKER_QUERY_TIMEOUT_MS, QUERY_RETRY_AFTER_SEC, WorkerQueryClient, WorkerQueryResult } from './worker-query-client';
import { FORBIDDEN_ADDRESS_HINT } from '../submissions/url-policy';

/** WorkerQueryClient over RabbitMQ: `metadata.requested` on downloads.commands, answered by direct reply-to. */
@Injectable()
export class AmqpWorkerQueryClient extends WorkerQueryClient implements OnApplicationShutdown {
  private readonly rpc: RpcClient;

  constructor(
    connection: AmqpConnection,
    private readonly events: EventPublisher,
  ) {
    super();
    this.rpc = new RpcClient(connection, 'worker-queries');
  }

  async query<Q extends WorkerQueryInput>(q: Q, timeoutMs = DEFAULT_WORKER_QUERY_TIMEOUT_MS): Promise<WorkerQueryResult<Q['kind']>> {
    const query = workerQuerySchema.parse(q);
    const env = this.events.envelope(ROUTING_KEYS.metadataRequested, query, `query:${query.kind}`);
    let raw: Buffer;
    try {
      raw = await this.rpc.request(env, timeoutMs);
    } catch (err) {
      if (err instanceof RpcTimeoutError) {
        throw new ApiError(
          'gateway_timeout',
          `No downloader worker answered within ${Math.round(timeoutMs / 1000)} s; check that a worker is running, then try again`,
        );
      }
      throw new ApiError('broker_unavailable', 'The job queue is unavailable; try again shortly', undefined, { 'Retry-After': '5' });
    }
    const parsed = parseMessage(raw, [WORKER_QUERY_REPLY_TYPE]);
    if (!parsed.ok) throw new ApiError('internal_error', `The worker sent an unreadable answer (${parsed.error})`);
    return unwrap(parsed.value.data, query.kind) as WorkerQueryResult<Q['kind']>;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rpc.close();
  }
}

function unwrap(reply: WorkerQueryReply, kind: WorkerQueryInput['kind']) {
  if (reply.ok) {
    if (reply.kind !== kind) throw new ApiError('internal_error', `The worker answered a ${reply.kind} query instead of ${kind}`);
    return reply.result;
  }
  const { code, message } = reply.error;
  switch (code) {
    case WORKER_QUERY_BUSY:
      // the worker refused this key's surplus at once (its share of the query slots is taken)
      throw new ApiError('too_many_queries', message, undefined, { 'Retry-After': String(QUERY_RETRY_AFTER_SEC) });
    case 'timed_out':
      throw new ApiError('gateway_timeout', message);
    case 'forbidden_address':
      throw new ApiError('forbidden_address', `url: ${message}. ${FORBIDDEN_ADDRESS_HINT}`, [{ field: 'url', message }]);
    case 'internal_error':
      throw new ApiError('internal_error', message);
    default:
      // unsupported_url, not_found, private_or_login_required, network_error, invalid_request
      throw new ApiError('invalid_url', message, [{ field: 'url', message, reason: code }]);
  }
}
