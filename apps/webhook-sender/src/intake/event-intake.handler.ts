import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
import type { SenderConfig } from '../config/sender-config';
import { DeliveryService } from '../delivery/delivery.service';
import { SENDER_CONFIG } from '../tokens';
import { firstDelivery } from './first-delivery';

/**
 * Makes the first attempt of each lifecycle event that has a webhook, straight from the intake
 * queue: one broker hop per webhook. Only a delivery that must be retried becomes a message (on a
 * retry tier); the event is acknowledged once what followed its attempt is confirmed (its attempt
 * record, and a retry or dead letter).
 */
@Controller()
export class EventIntakeHandler {
  constructor(
    private readonly delivery: DeliveryService,
    @Inject(SENDER_CONFIG) private readonly config: SenderConfig,
    private readonly links: FileLinks,
  ) {}

  // not async, no await before deliverFirst: a job's events must reach its lane in the order they arrived
  @HandleMessages(SUBSCRIPTIONS.senderDownloadEvents)
  handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.senderDownloadEvents>): Promise<HandlerOutcome> {
    const target = env.data.webhook;
    if (!this.config.enabled || !target) return Promise.resolve('ack');
    return this.delivery.deliverFirst(firstDelivery(env, target, this.links));
  }
}
