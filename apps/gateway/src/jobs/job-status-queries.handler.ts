import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Clock, JOB_STATUS_REPLY_TYPE, JobStatusReply, SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { AmqpContext, EventPublisher, HandleMessages, HandlerOutcome, rpcDeadlinePassed } from '@mda/messaging';
import { Logger } from '@mda/observability';
import { GATEWAY_LOGGER } from '../common/tokens';
import { JobsRepository } from '../store/jobs.repository';

/** Tells a worker about to start a job what the store knows (a job cancelled while queued is skipped). */
@Controller()
export class JobStatusQueriesHandler {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: EventPublisher,
    private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  @HandleMessages(SUBSCRIPTIONS.gatewayJobQueries)
  async answer(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.gatewayJobQueries>, @Ctx() ctx: AmqpContext): Promise<HandlerOutcome> {
    const { replyTo, correlationId } = ctx.message.properties;
    if (!replyTo) {
      this.logger.warn({ message_id: env.id }, 'job status query without reply-to');
      return 'dead';
    }
    if (rpcDeadlinePassed(ctx.message, this.clock.nowMs())) return 'ack';
    const job = await this.jobs.find(env.data.request_id);
    const reply: JobStatusReply = { request_id: env.data.request_id, status: job?.status ?? null };
    await this.events.reply(JOB_STATUS_REPLY_TYPE, replyTo, reply, env.correlation_id, { correlationId });
    return 'ack';
  }
}
