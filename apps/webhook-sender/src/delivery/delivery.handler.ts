import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SUBSCRIPTIONS, SubscriptionEnvelope } from '@mda/contracts';
import { HandleMessages, HandlerOutcome } from '@mda/messaging';
import { DeliveryService } from './delivery.service';

@Controller()
export class DeliveryHandler {
  constructor(private readonly delivery: DeliveryService) {}

  @HandleMessages(SUBSCRIPTIONS.webhooksDeliver)
  handle(@Payload() env: SubscriptionEnvelope<typeof SUBSCRIPTIONS.webhooksDeliver>): Promise<HandlerOutcome> {
    return this.delivery.deliver(env.data);
  }
}
