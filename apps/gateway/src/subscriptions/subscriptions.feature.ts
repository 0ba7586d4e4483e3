import type { Provider, Type } from '@nestjs/common';
import { SubscriptionCheckService } from './subscription-check.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/** Subscriptions (durable scheduled checks of a channel, playlist or feed); spread into AppModule. */
export const SUBSCRIPTIONS_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [SubscriptionsController],
  providers: [SubscriptionsRepository, SubscriptionCheckService, SubscriptionsService],
};
