import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Envelope, SUBSCRIPTIONS, WebhookDelivery } from '@mda/contracts';
import { HandlerOutcome } from '@mda/messaging';
import { DeliveryService } from './delivery.service';

@Controller()
export class DeliveryHandler {
  constructor(private readonly delivery: DeliveryService) {}

  @EventPattern(SUBSCRIPTIONS.webhooksDeliver.name)
  handle(@Payload() env: Envelope<WebhookDelivery>): Promise<HandlerOutcome> {
    return this.delivery.deliver(env.data);
  }
}
